import type { SharedStore } from '../shared/store.ts';
import { CLUSTER_READY, type ClusterReady, type WorkflowContext } from './context.ts';
import { waitFor } from './wait.ts';

export async function readClusterReady(store: SharedStore): Promise<ClusterReady | null> {
  const raw = await store.fetch(CLUSTER_READY);
  if (!raw) return null;
  try {
    return JSON.parse(raw.toString('utf8')) as ClusterReady;
  } catch {
    return null;
  }
}

/** Polls the shared store for "cluster ready" (inotify cannot see other NFS clients' writes). */
export async function waitClusterReady(ctx: WorkflowContext): Promise<ClusterReady> {
  const store = await ctx.ensureStore();
  return waitFor(async () => (await readClusterReady(store)) ?? undefined, {
    clock: ctx.deps.clock,
    timeoutMs: ctx.opts.timeouts.clusterReadyMs,
    pollMs: ctx.pollMs,
    what: `${store.resolve(CLUSTER_READY)} (the first server's "cluster ready")`,
    ...(ctx.opts.signal ? { signal: ctx.opts.signal } : {}),
  });
}
