// The simulation runs here, off the page's main thread, so the page stays responsive during a long run.
import { runComparison } from "@rxsim/harness/browser";
import { createFactories, resolveRun } from "./run-request.js";
import type { WorkerReply, WorkerRequest } from "./worker-protocol.js";

const post = (reply: WorkerReply) => (self as unknown as Worker).postMessage(reply);

self.addEventListener("message", (event: MessageEvent<WorkerRequest>) => {
  const message = event.data;
  const { id } = message;
  try {
    const config = resolveRun(message.request);
    if (message.kind === "compare") {
      const result = runComparison(config, createFactories(message.request), {
        onProgress: (done, total) => post({ kind: "progress", id, done, total }),
      });
      post({ kind: "result", id, result });
    } else {
      // One strategy, its every decision: the same lines `rxsim compare --decision-log FILE` writes.
      const lines: string[] = [];
      runComparison(config, createFactories({ ...message.request, strategies: [message.strategy] }), {
        onProgress: (done, total) => post({ kind: "progress", id, done, total }),
        decisionLog: { line: (text) => void lines.push(text) },
      });
      post({ kind: "decision-log", id, text: `${lines.join("\n")}\n`, lines: lines.length });
    }
  } catch (error) {
    // Bad input is one line, as on the command line; anything else is a bug and keeps its name.
    const e = error as Error;
    post({ kind: "error", id, message: e.name === "ConfigError" ? e.message : `${e.name}: ${e.message}` });
  }
});
