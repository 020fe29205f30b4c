import type { ComparisonResult } from "@rxsim/harness/browser";
import type { RunRequest } from "./run-request.js";

/** Page → worker. */
export type WorkerRequest =
  | { readonly kind: "compare"; readonly id: number; readonly request: RunRequest }
  | { readonly kind: "decision-log"; readonly id: number; readonly request: RunRequest; readonly strategy: string };

/** Worker → page. */
export type WorkerReply =
  | { readonly kind: "progress"; readonly id: number; readonly done: number; readonly total: number }
  | { readonly kind: "result"; readonly id: number; readonly result: ComparisonResult }
  | { readonly kind: "decision-log"; readonly id: number; readonly text: string; readonly lines: number }
  | { readonly kind: "error"; readonly id: number; readonly message: string };
