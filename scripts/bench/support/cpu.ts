import { readFileSync } from 'node:fs';

/**
 * CPU time spent while a bench level runs, split between this process and
 * the storage emulator's: on 2 cores, ten users' latency is mostly queueing
 * for CPU, so where the CPU goes says what would shorten a turn.
 */
export interface CpuSplit {
  /** ms a turn in this process: the bot, and what the bench runs beside it (counting proxy, users' HTTP client). */
  self: number;
  /** ms a turn in the Azurite process (NaN when its CPU time cannot be read, e.g. off Linux). */
  azurite: number;
}

/** user + system CPU of a process, ms, from /proc (clock ticks at the usual 100 Hz); undefined off Linux. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) : utime is the 14th field, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Starts counting now; `perTurn(n)` divides what was spent since by `n` turns. */
export function cpuMeter(azuritePid: number | undefined): { perTurn(turns: number): CpuSplit } {
  const self = process.cpuUsage();
  const azurite = processCpuMs(azuritePid);
  return {
    perTurn(turns) {
      const used = process.cpuUsage(self);
      const azuriteNow = processCpuMs(azuritePid);
      return {
        self: (used.user + used.system) / 1000 / turns,
        azurite: azurite !== undefined && azuriteNow !== undefined ? (azuriteNow - azurite) / turns : Number.NaN,
      };
    },
  };
}

/** A V8 CPU profile of this process from now until `stop(name)`, written to the working directory; returns its path. */
export async function startProfile(): Promise<{ stop(name: string): Promise<string> }> {
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop(name) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      const file = `${name}-${Date.now()}.cpuprofile`;
      await writeFile(file, JSON.stringify(profile));
      return file;
    },
  };
}
