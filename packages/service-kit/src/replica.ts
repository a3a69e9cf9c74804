/**
 * Services keep replicas of what they reference in other services (a deal's contact, a ticket's
 * contact), fed by events. A caller that creates a contact and references it in the next call
 * can be a few milliseconds ahead of the replica (tens with Kafka): before answering NOT_FOUND,
 * look again for a bounded time, so back-to-back calls behave as one system while a reference
 * to something that does not exist still fails. Run it before opening a transaction.
 */
export async function awaitReplica(found: () => Promise<boolean>, opts: { timeoutMs?: number; everyMs?: number } = {}): Promise<boolean> {
  const deadline = Date.now() + (opts.timeoutMs ?? 3000);
  let wait = opts.everyMs ?? 20;
  for (;;) {
    if (await found()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(0, deadline - Date.now()))));
    wait = Math.min(wait * 2, 250);
  }
}
