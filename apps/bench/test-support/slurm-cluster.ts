import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, hostname, tmpdir } from "node:os";
import { join } from "node:path";

/** How to get a real Slurm on Debian/Ubuntu; `.ci/run` does this on CI. */
export const SLURM_INSTALL =
  "apt-get update && apt-get install -y --no-install-recommends slurm-wlm munge (as root; .ci/run does this on CI)";

const TOOLS = ["slurmctld", "slurmd", "sbatch", "scontrol", "sinfo", "munged", "setpriv"];

function which(tool: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * Why a single-node Slurm cannot be started here, or null when it can:
 * the daemons need root (slurmd starts jobs as their user), munge's key, and
 * the Debian packages `slurm-wlm` and `munge`.
 */
export function slurmMissing(): string | null {
  const missing = TOOLS.filter((t) => which(t) === null);
  if (missing.length > 0) return `${missing.join(", ")} not found: install Slurm with ${SLURM_INSTALL}`;
  if (process.getuid?.() !== 0) return "the single-node Slurm test runs its daemons as root: run it as root";
  if (!existsSync("/etc/munge/munge.key")) {
    return "/etc/munge/munge.key is missing: reinstall munge (its package creates the key), or run mungekey --create as user munge";
  }
  return null;
}

/** A running one-node cluster: munged, slurmctld and slurmd with their config and state in `dir`. */
export interface SlurmCluster {
  dir: string;
  /** Environment for sbatch/scontrol (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  /** Stop the three daemons (by pid), wait for them to exit, and remove `dir`. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
    server.on("error", reject);
  });
}

async function waitFor(what: string, ok: () => boolean, ms: number, log: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`Slurm test cluster: ${what} did not happen within ${ms / 1000} s\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/**
 * Start munged (as user munge, own socket), slurmctld and slurmd (as root, in
 * the foreground so their pids are ours) on free ports, with slurm.conf,
 * state, spool, pid and log files in a fresh temporary directory; resolve
 * when the node is idle.
 */
export async function startSlurmCluster(): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), "rxsim-slurm-"));
  chmodSync(dir, 0o755); // munged, running as munge, must reach its socket directory
  const mungeDir = join(dir, "munge");
  mkdirSync(mungeDir, { mode: 0o755 });
  const munge = Number(execFileSync("id", ["-u", "munge"], { encoding: "utf8" }));
  const mungeGid = Number(execFileSync("id", ["-g", "munge"], { encoding: "utf8" }));
  chownSync(mungeDir, munge, mungeGid);
  const socket = join(mungeDir, "munge.socket");
  const node = hostname().split(".")[0];
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, "slurm.conf");
  writeFileSync(
    conf,
    [
      "ClusterName=rxsim-test",
      `SlurmctldHost=${node}`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      "CredType=cred/munge",
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, "state")}`,
      `SlurmdSpoolDir=${join(dir, "spool")}`,
      `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
      `SlurmdPidFile=${join(dir, "slurmd.pid")}`,
      `SlurmctldLogFile=${join(dir, "slurmctld.log")}`,
      `SlurmdLogFile=${join(dir, "slurmd.log")}`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SelectType=select/cons_tres",
      "SchedulerType=sched/backfill",
      "MpiDefault=none",
      "ReturnToService=2",
      "AccountingStorageType=accounting_storage/none",
      "JobAcctGatherType=jobacct_gather/none",
      `NodeName=${node} CPUs=${cpus().length} State=UNKNOWN`,
      "PartitionName=rxsim Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
      "",
    ].join("\n"),
  );
  mkdirSync(join(dir, "state"));
  mkdirSync(join(dir, "spool"));
  const env = { ...process.env, SLURM_CONF: conf };
  const log = (name: string) => openSync(join(dir, `${name}.out`), "w");
  const daemons: ChildProcess[] = [];
  const stop = async () => {
    // Reverse order: slurmd, slurmctld, munged.
    for (const d of [...daemons].reverse()) {
      if (d.exitCode === null && d.signalCode === null) d.kill("SIGTERM");
      await exited(d);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const tail = () =>
    spawnSync("tail", ["-n", "20", ...["munged", "slurmctld", "slurmd"].map((n) => join(dir, `${n}.out`))], {
      encoding: "utf8",
    }).stdout;
  try {
    const mungeArgs = ["-F", `--socket=${socket}`, `--pid-file=${join(mungeDir, "munged.pid")}`];
    mungeArgs.push(`--log-file=${join(mungeDir, "munged.log")}`, `--seed-file=${join(mungeDir, "munged.seed")}`);
    daemons.push(
      spawn("setpriv", ["--reuid=munge", "--regid=munge", "--init-groups", "munged", ...mungeArgs], {
        stdio: ["ignore", log("munged"), log("munged.err")],
      }),
    );
    await waitFor("munged's socket", () => existsSync(socket), 20_000, tail);
    daemons.push(
      spawn("slurmctld", ["-D", "-f", conf], { env, stdio: ["ignore", log("slurmctld"), log("slurmctld.err")] }),
    );
    daemons.push(spawn("slurmd", ["-D", "-f", conf], { env, stdio: ["ignore", log("slurmd"), log("slurmd.err")] }));
    const idle = () => {
      const r = spawnSync("sinfo", ["-h", "-o", "%t"], { env, encoding: "utf8" });
      return r.status === 0 && r.stdout.trim() === "idle";
    };
    await waitFor("the node to come up idle", idle, 90_000, tail);
  } catch (error) {
    await stop();
    throw error;
  }
  return { dir, env, stop };
}

/** The state of a job (`COMPLETED`, `FAILED`, `PENDING`, …) as slurmctld has it. */
export function jobState(id: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync("scontrol", ["show", "job", id], { env, encoding: "utf8" });
  return /JobState=(\S+)/.exec(r.stdout)?.[1] ?? `unknown (${r.stderr.trim()})`;
}
