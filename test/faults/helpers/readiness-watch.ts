/** GET /readyz every 250 ms while a fault plays out: when the hub said it was not ready, and why. */

export interface NotReady {
  at: number;
  /** The status (0 when it did not answer) and the body, for the first answer of a streak. */
  answer?: string;
}

export function watchReadiness(url: string): { stop(): Promise<NotReady[]> } {
  const notReady: NotReady[] = [];
  let running = true;
  const loop = (async () => {
    let streak = false;
    while (running) {
      const answer = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
        async (res) => ({ status: res.status, body: await res.text() }),
        (err: Error) => ({ status: 0, body: err.message }),
      );
      if (answer.status !== 200) notReady.push({ at: Date.now(), ...(streak ? {} : { answer: `${answer.status} ${answer.body}` }) });
      streak = answer.status !== 200;
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return notReady;
    },
  };
}
