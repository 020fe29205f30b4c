import { BUILTIN_STRATEGIES } from "@rxsim/bench/browser";
import { type ComparisonResult, getScenario, listScenarios } from "@rxsim/harness/browser";
import { handOffDecisionLog } from "./decision-log-handoff.js";
import { renderHeadline, renderTable, STRATEGY_COLOURS } from "./headline.js";
import { cliCommand, type RunRequest, resolveRun } from "./run-request.js";
import type { WorkerReply, WorkerRequest } from "./worker-protocol.js";

const DEFAULT_STRATEGIES = ["naive", "dqo", "page-pool", "page-flip"];
const DEFAULT_PACKETS = 20_000;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = byId<HTMLFormElement>("run-form");
const scenarioSelect = byId<HTMLSelectElement>("scenario");
const scenarioDescription = byId<HTMLParagraphElement>("scenario-description");
const seedInput = byId<HTMLInputElement>("seed");
const packetsInput = byId<HTMLInputElement>("packets");
const checkerInput = byId<HTMLInputElement>("checker");
const setsInput = byId<HTMLTextAreaElement>("sets");
const strategiesBox = byId<HTMLDivElement>("strategies");
const runButton = byId<HTMLButtonElement>("run");
const progress = byId<HTMLProgressElement>("progress");
const status = byId<HTMLSpanElement>("status");
const errorLine = byId<HTMLParagraphElement>("error");
const output = byId<HTMLElement>("output");

const scenarios = listScenarios();
for (const s of scenarios) {
  const option = document.createElement("option");
  option.value = s.name;
  option.textContent = s.name;
  scenarioSelect.append(option);
}
const showScenario = () => {
  const s = scenarios.find((x) => x.name === scenarioSelect.value);
  scenarioDescription.textContent = s?.description ?? "";
  if (s) seedInput.value = String(getScenario(s.name).seed);
};
scenarioSelect.addEventListener("change", showScenario);
scenarioSelect.value = "default";
showScenario();
packetsInput.value = String(DEFAULT_PACKETS);

for (const [name, entry] of Object.entries(BUILTIN_STRATEGIES)) {
  const label = document.createElement("label");
  label.className = "strategy";
  label.title = entry.description;
  const box = document.createElement("input");
  box.type = "checkbox";
  box.name = "strategy";
  box.value = name;
  box.checked = DEFAULT_STRATEGIES.includes(name);
  const text = document.createElement("span");
  text.textContent = name;
  const description = document.createElement("small");
  description.textContent = entry.description;
  label.append(box, text, description);
  strategiesBox.append(label);
}

function readRequest(): RunRequest {
  return {
    scenario: scenarioSelect.value,
    strategies: [...strategiesBox.querySelectorAll<HTMLInputElement>("input:checked")].map((b) => b.value),
    seed: Number(seedInput.value),
    packets: Number(packetsInput.value),
    checker: checkerInput.checked,
    sets: setsInput.value
      .split("\n")
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  };
}

/** One worker for the page's life: each request gets an id; replies for an older request are ignored. */
const worker = new Worker(new URL("./sim-worker.ts", import.meta.url), { type: "module" });
let current = 0;
const pending = new Map<number, (reply: WorkerReply) => void>();
worker.addEventListener("message", (event: MessageEvent<WorkerReply>) => {
  const reply = event.data;
  if (reply.kind === "progress") {
    if (reply.id === current) {
      progress.max = reply.total;
      progress.value = reply.done;
    }
    return;
  }
  pending.get(reply.id)?.(reply);
  pending.delete(reply.id);
});

// A worker that fails to load or throws outside a request would otherwise leave the page waiting for good.
worker.addEventListener("error", (event) => {
  for (const [id, resolve] of pending)
    resolve({ kind: "error", id, message: `the simulation worker failed: ${event.message}` });
  pending.clear();
});

function ask(message: WorkerRequest): Promise<WorkerReply> {
  current = message.id;
  const reply = new Promise<WorkerReply>((resolve) => pending.set(message.id, resolve));
  worker.postMessage(message);
  return reply;
}

function busy(text: string | null): void {
  runButton.disabled = text !== null;
  progress.hidden = text === null;
  progress.value = 0;
  status.textContent = text ?? "";
}

function showError(message: string | null): void {
  errorLine.hidden = message === null;
  errorLine.textContent = message === null ? "" : `rxsim: ${message}`;
}

let shown: { request: RunRequest; result: ComparisonResult } | null = null;
let nextId = 1;

function describeRun(request: RunRequest, result: ComparisonResult): string {
  const q = result.config.queue;
  return (
    `${result.results.map((r) => r.strategy).join(" vs ")} on scenario ${result.scenario}: ` +
    `seed ${result.seed}, ${result.config.packets.toLocaleString("en-US")} packets ` +
    `(${result.config.warmupPackets.toLocaleString("en-US")} warm-up), ${q.pageSize} B pages, ` +
    `${q.bufferSize} B buffers, ${q.bufqSlots}-slot rings${request.sets.length > 0 ? `, ${request.sets.join(", ")}` : ""}`
  );
}

function show(request: RunRequest, result: ComparisonResult): void {
  shown = { request, result };
  output.hidden = false;
  byId("what-ran").textContent = describeRun(request, result);
  byId("cli-command").textContent = cliCommand(request);
  renderHeadline(byId("headline"), result);
  renderTable(byId<HTMLTableElement>("metrics-table"), result);
  const json = byId<HTMLAnchorElement>("download-json");
  if (json.href.startsWith("blob:")) URL.revokeObjectURL(json.href);
  json.href = URL.createObjectURL(new Blob([`${JSON.stringify(result, null, 2)}\n`], { type: "application/json" }));
  json.download = `rxsim-${result.scenario}-seed${result.seed}.json`;
  const logs = byId<HTMLSpanElement>("decision-logs");
  logs.replaceChildren(
    ...result.results.map((r, i) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "decision-log";
      button.dataset.strategy = r.strategy;
      button.textContent = `${r.strategy} ↓`;
      button.style.borderColor = STRATEGY_COLOURS[i % STRATEGY_COLOURS.length];
      button.addEventListener("click", () => void downloadDecisionLog(r.strategy));
      return button;
    }),
  );
  document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
}

async function downloadDecisionLog(strategy: string): Promise<void> {
  if (!shown) return;
  const { request, result } = shown;
  busy(`recording ${strategy}'s decisions…`);
  const reply = await ask({ kind: "decision-log", id: nextId++, request, strategy });
  busy(null);
  if (reply.kind === "error") return showError(reply.message);
  if (reply.kind !== "decision-log") return;
  status.textContent = `${strategy}: ${reply.lines.toLocaleString("en-US")} lines`;
  handOffDecisionLog({
    strategy,
    fileName: `rxsim-${result.scenario}-seed${result.seed}-${strategy}.decision-log`,
    text: reply.text,
  });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const request = readRequest();
  showError(null);
  try {
    // Check the knobs here first: a bad override is reported at once, before the worker starts.
    resolveRun(request);
  } catch (e) {
    return showError((e as Error).message);
  }
  busy("simulating…");
  const reply = await ask({ kind: "compare", id: nextId++, request });
  busy(null);
  if (reply.kind === "error") return showError(reply.message);
  if (reply.kind === "result") show(request, reply.result);
});

document.body.dataset.ready = "true";
