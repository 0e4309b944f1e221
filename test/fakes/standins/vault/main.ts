import type { AgentLog } from "../log.ts";
export async function vaultMain(_a: string[], _e: NodeJS.ProcessEnv, _l: AgentLog, _o: NodeJS.WritableStream): Promise<number> { return 1; }
