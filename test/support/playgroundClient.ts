import { randomUUID } from 'node:crypto';
import type { Activity, Attachment } from 'botbuilder';
import WebSocket from 'ws';

/**
 * Drives a running Microsoft 365 Agents Playground (0.2.28) over HTTP the way
 * its web UI does, and records what the bot sends back. Start the playground
 * with scripts/playground/start.ts.
 *
 * Endpoints (read from the package's bundled server and UI code, checked live):
 *
 *   GET  /_internal/v1/testConfig
 *        -> { config: { tenantId, bot: {id,name}, currentUser, users[5],
 *             personalChat: {id,name}, groupChats: [{id,name,members}],
 *             teams: [{id,name,aadGroupId,channels:[{id,name,channelType}],members}] },
 *             internalConfig: { locale, localTimezone, channelId } }
 *
 *   POST /_conversation/v1/conversations/{conversationId}/messages
 *        body { from:{id}, text, textFormat:'plain'|'markdown'|'xml',
 *               mentions?: [{ mentioned:{id,name}, text:'<at>Name</at>' }] }
 *        -> 200 { messageId:'1764000000000', timestamp, postConversationId? }
 *        The message is stored, the HTTP answer is sent, and only then is the
 *        activity posted to the bot (errors swallowed). The bot gets it only in
 *        the personal chat or when the bot is @mentioned. The activity's `from`
 *        is ALWAYS the config's currentUser ({id,name,aadObjectId}); `from.id`
 *        in the body is only checked for membership. Posting to a channel id
 *        starts a new thread: postConversationId = '<channelId>;messageid=<messageId>'.
 *
 *   POST /_conversation/v1/submit   (Action.Submit)
 *        body { conversation:{id}, replyToId:<card messageId>, value:<data>, from:{id} }
 *        -> 200 empty; then a message activity with `value` goes to the bot,
 *        from that user (from.id is honoured here).
 *
 *   POST /_conversation/v1/invoke   (Action.Execute)
 *        body { name:'adaptiveCard/action', value:{ action:{ type:'Action.Execute', title, verb, data } },
 *               from:{id}, conversation:{id}, replyToId:<card messageId> }
 *        -> 200 { type, value } taken from the bot's invoke response body
 *        (e.g. type 'application/vnd.microsoft.card.adaptive', value = card JSON),
 *        awaited; 502 if the bot failed. A card answer replaces the stored card;
 *        nothing is pushed on the stream (the UI redraws from the response).
 *
 *   POST /_debug/conversation/{conversationId}/installation   body {}
 *        What the UI does when a chat is first opened: sends installationUpdate
 *        (action 'add') and then conversationUpdate with membersAdded
 *        (personal chat: [currentUser, bot]; group chat / channel: [bot]).
 *
 *   GET  /_internal/v1/customActivities/template?conversationId=..&type=..
 *        (type: install | uninstall | userAdded | userRemoved | botAdded |
 *        botRemoved | channelCreated | channelRenamed | channelDeleted |
 *        teamRenamed | teamDeleted | sendEmail | mentionInWord, or none for a
 *        bare activity) -> the activity the playground would send.
 *   POST /_internal/v1/customActivities   body: any activity -> 200 empty; the
 *        activity is then posted to the bot unchanged (no validation).
 *
 *   POST /_connector/v3/conversations   (the mock connector, as a bot would)
 *        body { isGroup:false, members:[{id}] } -> { id:'<guid>@test.user' }:
 *        that user's own 1:1 chat with the bot (same id on every call).
 *
 *   WS /_ws_conversation/v1/conversations/stream  -> what the UI shows:
 *        { action:'createMessage'|'updateMessage', actionConversationId, message }
 *        { action:'typing', actionConversationId }
 *        Only for chats currentUser is in (not other users' 1:1 chats). Messages
 *        sent while no socket is connected are buffered for the next one.
 *   WS /_ws/log/stream  -> { logAction:'appendLog', log }: every call between
 *        playground and bot, both ways, with bodies and status codes. Calls to
 *        the bot are logged when the bot *answers*, i.e. after its turn.
 *
 * Conversation ids (scripts/playground/people.ts; Priya Shah's instance shown):
 *   personal chat  a:concordat-personal-priya-shah  (conversationType 'personal')
 *   group chat     19:brinnington-joint-visit@thread.v2 (isGroup, 'groupChat')
 *   General        = the team id 19:stockport-community-safety@thread.tacv2
 *   other channel  19:stockport-priorities-and-alerts@thread.tacv2
 *   channel thread <channelId>;messageid=<epoch ms>  (isGroup, 'channel')
 *   Message ids are epoch-millisecond strings; activity ids sent to the bot are GUIDs.
 */

export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

export interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string; name: string };
  groupChats: { id: string; name: string; members: string[] }[];
  teams: { id: string; name: string; aadGroupId: string; channels: { id: string; name: string; channelType: string }[]; members: string[] }[];
}

export interface StreamMessage {
  messageId: string;
  timestamp: number;
  from: { id: string };
  text?: string;
  textFormat?: 'plain' | 'markdown' | 'xml';
  attachments: { contentType: string; content: unknown }[];
  attachmentLayout: 'list' | 'carousel';
  mentions: unknown[];
  /** Set on the first message of a new channel thread the bot started. */
  postConversationId?: string;
  directLineConversationId?: string;
  suggestedActions?: unknown;
  streamEntity?: unknown;
  aiEntity?: unknown;
  feedbackLoopEnabled?: boolean;
}

export type StreamEvent =
  | { action: 'createMessage' | 'updateMessage'; actionConversationId: string; message: StreamMessage }
  | { action: 'typing'; actionConversationId: string };

export type StreamMessageEvent = Extract<StreamEvent, { message: StreamMessage }>;

interface LogItem {
  id: string;
  type: 'bot' | 'text';
  timestamp: number;
  conversationId?: string;
  activityName?: string;
  messageId?: string;
  from?: string;
  to?: string;
  request?: { body?: unknown };
  response?: { statusCode: number; body: unknown };
  displayText?: string;
  level?: string;
}

/** A call the bot made to the mock connector that carried an activity (send, reply, update). */
export interface BotActivity {
  conversationId: string;
  activity: Partial<Activity>;
  /** The connector's status: 201 created, 200 updated, 202 typing / several parts, 4xx rejected. */
  statusCode: number;
  /** Message id the connector assigned (or the updated id). */
  id?: string;
  isUpdate: boolean;
}

/** One activity the playground posted to the bot, with the bot's HTTP answer. */
export interface BotTurn {
  activity: Partial<Activity>;
  statusCode: number;
  responseBody: unknown;
}

export interface InvokeResponse {
  type: string;
  value: unknown;
}

export interface Mark {
  stream: number;
  log: number;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Only look at events after this mark. Default: the mark taken by the last send. */
  since?: Mark;
}

const PLAYGROUND_LABEL = 'Microsoft 365 Agents Playground';
const BOT_LABEL = 'User Application';
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

export class PlaygroundHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} -> HTTP ${status}: ${body}`);
    this.name = 'PlaygroundHttpError';
  }
}

export class PlaygroundClient {
  /** Everything received on the conversation stream, in order. */
  readonly stream: StreamEvent[] = [];
  /** Everything received on the log stream, in order. */
  readonly log: LogItem[] = [];
  private lastSend: Mark = { stream: 0, log: 0 };
  private readonly waiters = new Set<() => void>();
  private readonly personalChats = new Set<string>();
  private readonly sockets: WebSocket[] = [];

  private constructor(
    readonly baseUrl: string,
    readonly config: PlaygroundConfig,
  ) {
    this.personalChats.add(config.personalChat.id);
  }

  /** Loads the tenant from the playground and opens both streams. */
  static async connect(baseUrl: string): Promise<PlaygroundClient> {
    const base = baseUrl.replace(/\/+$/, '');
    const res = await fetch(`${base}/_internal/v1/testConfig`);
    if (!res.ok) throw new PlaygroundHttpError(res.status, await res.text(), 'GET testConfig');
    const { config } = (await res.json()) as { config: PlaygroundConfig };
    const client = new PlaygroundClient(base, config);
    await Promise.all([
      client.open('/_ws_conversation/v1/conversations/stream', (e) => client.stream.push(e as StreamEvent)),
      client.open('/_ws/log/stream', (e) => {
        const { log } = e as { log?: LogItem };
        if (log) client.log.push(log);
      }),
    ]);
    return client;
  }

  private open(path: string, onEvent: (e: unknown) => void): Promise<void> {
    const ws = new WebSocket(this.baseUrl.replace(/^http/, 'ws') + path);
    this.sockets.push(ws);
    ws.on('message', (data) => {
      onEvent(JSON.parse(String(data)));
      for (const wake of [...this.waiters]) wake();
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.sockets.map((ws) =>
        ws.readyState === WebSocket.CLOSED ? undefined : new Promise<void>((r) => (ws.once('close', () => r()), ws.close())),
      ),
    );
  }

  // ---- tenant ------------------------------------------------------------

  get bot(): { id: string; name: string } {
    return this.config.bot;
  }
  get currentUser(): PlaygroundUser {
    return this.config.currentUser;
  }
  get personalChatId(): string {
    return this.config.personalChat.id;
  }
  get groupChatId(): string {
    return this.group().id;
  }
  /** The team id, which is also the General channel's conversation id. */
  get teamId(): string {
    return this.team().id;
  }
  /** Channel conversation id by name ('General' or the configured channel). */
  channelId(name: string): string {
    const channel = this.team().channels.find((c) => c.name === name);
    if (!channel) throw new Error(`No channel named ${name}`);
    return channel.id;
  }
  /** A user by id, aadObjectId, full name or given name. */
  user(key: string): PlaygroundUser {
    const all = [this.config.currentUser, ...this.config.users];
    const u = all.find((x) => x.id === key || x.aadObjectId === key || x.name === key || x.givenName === key);
    if (!u) throw new Error(`No playground user ${key}`);
    return u;
  }
  private team() {
    const t = this.config.teams[0];
    if (!t) throw new Error('Playground config has no team');
    return t;
  }
  private group() {
    const g = this.config.groupChats[0];
    if (!g) throw new Error('Playground config has no group chat');
    return g;
  }

  // ---- sending -------------------------------------------------------------

  /** Position in both streams now; pass as `since` to wait only for later events. */
  mark(): Mark {
    return { stream: this.stream.length, log: this.log.length };
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new PlaygroundHttpError(res.status, text, `${method} ${path}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Sends a text message into a conversation.
   *
   * As the current user (default) this is exactly what typing in the UI does.
   * As anyone else (`as`), the playground cannot do it natively, so the message
   * activity is built from the playground's own template and posted through
   * customActivities with that user on `from`. In a channel a thread is first
   * created through the UI path (with no mention, so the bot does not see that
   * copy), and the other user's activity is sent into that thread.
   *
   * `mentionBot` prefixes `<at>BotName</at>` and adds the mention entity; in a
   * group chat or channel the bot only receives messages that mention it.
   */
  async sendMessage(
    conversationId: string,
    text: string,
    opts: { as?: string; mentionBot?: boolean } = {},
  ): Promise<{ messageId?: string; conversationId: string; activityId?: string }> {
    const from = this.user(opts.as ?? this.currentUser.id);
    const mentionText = `<at>${this.bot.name}</at>`;
    const fullText = opts.mentionBot ? `${mentionText} ${text}` : text;
    const mentions = opts.mentionBot ? [{ mentioned: { id: this.bot.id, name: this.bot.name }, text: mentionText }] : undefined;
    this.lastSend = this.mark();

    const uiPath = from.id === this.currentUser.id && !this.isOtherUsersChat(conversationId);
    if (uiPath) {
      const res = await this.request<{ messageId: string; postConversationId?: string; timestamp: number }>(
        'POST',
        `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
        { from: { id: from.id }, text: fullText, textFormat: 'plain', ...(mentions ? { mentions } : {}) },
      );
      return { messageId: res.messageId, conversationId: res.postConversationId ?? conversationId };
    }

    let target = conversationId;
    let messageId: string | undefined;
    if (this.isChannel(conversationId)) {
      const post = await this.request<{ messageId: string; postConversationId?: string }>(
        'POST',
        `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
        { from: { id: this.currentUser.id }, text: fullText, textFormat: 'plain' },
      );
      target = post.postConversationId ?? conversationId;
      messageId = post.messageId;
    }
    const template = await this.customActivityTemplate(target);
    const channelId = this.isChannel(target) ? target.split(';')[0] : undefined;
    const now = new Date().toISOString();
    const activity: Partial<Activity> = {
      ...template,
      type: 'message',
      id: randomUUID(),
      timestamp: now as unknown as Date,
      localTimestamp: now as unknown as Date,
      localTimezone: 'UTC',
      from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
      text: fullText,
      textFormat: 'plain',
      locale: 'en-US',
      entities: [
        ...(mentions ?? []).map((m) => ({ type: 'mention', ...m })),
        { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'UTC' },
      ],
      channelData: {
        tenant: { id: this.config.tenantId },
        ...(channelId
          ? { teamsChannelId: channelId, teamsTeamId: this.teamId, team: { id: this.teamId }, channel: { id: channelId } }
          : {}),
      },
    };
    await this.sendCustomActivity(activity);
    return { messageId, conversationId: target, activityId: activity.id };
  }

  /** Clicks an Action.Submit button: `value` is the action's data merged with the card inputs. */
  async submit(args: { conversationId: string; replyToId: string; value: Record<string, unknown>; as?: string }): Promise<void> {
    this.lastSend = this.mark();
    await this.request('POST', '/_conversation/v1/submit', {
      conversation: { id: args.conversationId },
      replyToId: args.replyToId,
      value: args.value,
      from: { id: this.user(args.as ?? this.currentUser.id).id },
    });
  }

  /** Clicks an Action.Execute button and returns the bot's invoke response ({ type, value }). */
  async execute(args: {
    conversationId: string;
    replyToId: string;
    verb: string;
    data?: unknown;
    title?: string;
    as?: string;
  }): Promise<InvokeResponse> {
    this.lastSend = this.mark();
    return this.request<InvokeResponse>('POST', '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', title: args.title ?? args.verb, verb: args.verb, data: args.data ?? {} } },
      from: { id: this.user(args.as ?? this.currentUser.id).id },
      conversation: { id: args.conversationId },
      replyToId: args.replyToId,
    });
  }

  /** "Bot installed" in a chat or channel, as when the UI first opens it. */
  async installBot(conversationId: string): Promise<void> {
    this.lastSend = this.mark();
    await this.request('POST', `/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {});
  }

  async customActivityTemplate(conversationId: string, type?: string): Promise<Partial<Activity>> {
    const q = new URLSearchParams({ conversationId, ...(type ? { type } : {}) });
    return this.request<Partial<Activity>>('GET', `/_internal/v1/customActivities/template?${q}`);
  }

  /** Posts any activity to the bot. The playground answers at once and forwards it afterwards. */
  async sendCustomActivity(activity: Partial<Activity>): Promise<void> {
    this.lastSend = this.mark();
    await this.request('POST', '/_internal/v1/customActivities', activity);
  }

  /**
   * The 1:1 chat between `user` and the bot, created through the mock connector
   * like a bot's proactive createConversation. Messages there reach the bot with
   * sendMessage(id, text, { as: user }); the bot's replies appear only in
   * `activities` (log stream), not on the conversation stream.
   */
  async openPersonalChat(user: string): Promise<string> {
    const { id } = await this.request<{ id: string }>('POST', '/_connector/v3/conversations', {
      isGroup: false,
      bot: { id: this.bot.id },
      members: [{ id: this.user(user).id }],
      tenantId: this.config.tenantId,
    });
    this.personalChats.add(id);
    return id;
  }

  private isChannel(conversationId: string): boolean {
    const top = conversationId.split(';')[0];
    return this.team().channels.some((c) => c.id === top);
  }
  private isOtherUsersChat(conversationId: string): boolean {
    return this.personalChats.has(conversationId) && conversationId !== this.personalChatId;
  }

  // ---- receiving -----------------------------------------------------------

  /** Messages the UI would show (conversation stream). */
  messages(since: Mark = { stream: 0, log: 0 }): StreamMessageEvent[] {
    return this.stream.slice(since.stream).filter((e): e is StreamMessageEvent => 'message' in e);
  }

  /** Activities the bot sent to the connector, in any conversation (log stream). */
  activities(since: Mark = { stream: 0, log: 0 }): BotActivity[] {
    return this.log.slice(since.log).flatMap((l) => {
      const body = l.request?.body as Partial<Activity> | undefined;
      if (l.from !== BOT_LABEL || l.to !== PLAYGROUND_LABEL || !body?.type || !l.response) return [];
      const resId = (l.response.body as { id?: string } | undefined)?.id;
      return [
        {
          conversationId: l.conversationId ?? body.conversation?.id ?? '',
          activity: body,
          statusCode: l.response.statusCode,
          id: resId,
          isUpdate: body.id !== undefined && body.id === resId,
        },
      ];
    });
  }

  /** Activities the playground posted to the bot, with the bot's HTTP status (log stream). */
  turns(since: Mark = { stream: 0, log: 0 }): BotTurn[] {
    return this.log.slice(since.log).flatMap((l) =>
      l.from === PLAYGROUND_LABEL && l.to === BOT_LABEL && l.response
        ? [{ activity: (l.request?.body ?? {}) as Partial<Activity>, statusCode: l.response.statusCode, responseBody: l.response.body }]
        : [],
    );
  }

  /** Waits for a message create/update on the conversation stream (what the UI shows). */
  waitForMessage(predicate: (e: StreamMessageEvent) => boolean, opts: WaitOptions = {}): Promise<StreamMessageEvent> {
    const since = opts.since ?? this.lastSend;
    return this.waitFor('message on the conversation stream', () => this.messages(since).find(predicate), opts.timeoutMs, () =>
      this.messages(since),
    );
  }

  /** Waits for an activity the bot sent to the connector (any conversation). */
  waitForActivity(predicate: (a: BotActivity) => boolean, opts: WaitOptions = {}): Promise<BotActivity> {
    const since = opts.since ?? this.lastSend;
    return this.waitFor('activity from the bot', () => this.activities(since).find(predicate), opts.timeoutMs, () =>
      this.activities(since).map((a) => ({ conversationId: a.conversationId, type: a.activity.type, text: a.activity.text })),
    );
  }

  /** Waits until the bot has answered an activity (its turn is over). */
  waitForTurn(predicate: (t: BotTurn) => boolean, opts: WaitOptions = {}): Promise<BotTurn> {
    const since = opts.since ?? this.lastSend;
    return this.waitFor('bot turn', () => this.turns(since).find(predicate), opts.timeoutMs, () =>
      this.turns(since).map((t) => ({ type: t.activity.type, text: t.activity.text, status: t.statusCode })),
    );
  }

  private waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 10_000, seen: () => unknown): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = () => {
        const hit = find();
        if (hit !== undefined) {
          done();
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; seen since mark: ${JSON.stringify(seen())}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }
}

/** The Adaptive Card payloads of a stream message or bot activity. */
export function adaptiveCards(m: StreamMessage | Partial<Activity>): Record<string, unknown>[] {
  const attachments = (m.attachments ?? []) as Pick<Attachment, 'contentType' | 'content'>[];
  return attachments.filter((a) => a.contentType === ADAPTIVE).map((a) => a.content as Record<string, unknown>);
}
