/**
 * The machine a run was made on: cores, memory, CPU model, kernel, tool
 * versions, date and load, for the report.
 *
 * @internal
 * @module
 */

/** What the report says about the machine. */
export interface Machine {
  readonly date: string;
  readonly nproc: string;
  readonly memory: string;
  readonly cpu: string;
  readonly kernel: string;
  readonly deno: string;
  readonly node: string;
  readonly wrk: string;
  readonly hyperfine: string;
  readonly loadBefore: string;
}

const output = async (cmd: string, args: Array<string>): Promise<string> => {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    return (new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr)).trim();
  } catch {
    return "not installed";
  }
};

const read = async (path: string): Promise<string> => {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
};

/** The 1, 5 and 15 minute load averages. */
export const loadAverage = async (): Promise<string> =>
  (await read("/proc/loadavg")).split(" ").slice(0, 3).join(" ") || "unknown";

/** Describes this machine. */
export const describeMachine = async (): Promise<Machine> => {
  const meminfo = await read("/proc/meminfo");
  const kb = Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? NaN);
  const cpuinfo = await read("/proc/cpuinfo");
  return {
    date: new Date().toISOString(),
    nproc: await output("nproc", []),
    memory: Number.isFinite(kb) ? `${(kb / 1024 / 1024).toFixed(1)} GiB` : "unknown",
    cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    kernel: Deno.osRelease(),
    deno: `${Deno.version.deno} (V8 ${Deno.version.v8})`,
    node: await output("node", ["--version"]),
    wrk: (await output("wrk", ["-v"])).split("\n")[0],
    hyperfine: await output("hyperfine", ["--version"]),
    loadBefore: await loadAverage(),
  };
};
