// Preloaded (`node -r`) into the Agents Playground CLI by scripts/playground/start.ts.
// The playground (0.2.28) calls server.listen(port) with no host, which listens
// on every interface, and has no option or environment variable to change it.
// The demo has no authentication, so, like the bot and Azurite, it must only
// be reachable from this machine: every TCP server it opens listens on
// 127.0.0.1 unless a host is given.
'use strict';
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (first === undefined || typeof first === 'function') {
    args.unshift(0, LOOPBACK); // listen() / listen(cb): a free port
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, LOOPBACK); // listen(port[, backlog][, cb])
  } else if (first && typeof first === 'object' && first.path === undefined && first.fd === undefined && first.host === undefined && first._handle === undefined) {
    args[0] = { ...first, host: LOOPBACK }; // listen({ port })
  }
  return listen.apply(this, args);
};
