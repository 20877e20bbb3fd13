/**
 * Koa-style middleware over one value, as grammY's and telegraf's Composers do for updates: each
 * middleware does its one concern and calls `next()` to go on, or returns to stop there.
 */
export type Middleware<C> = (ctx: C, next: () => Promise<void>) => Promise<void>;

/**
 * Chains middlewares in order into one; `next()` called twice in one middleware is a bug and throws.
 *
 * @example
 * const run = compose<{ n: number }>([async (c, next) => { c.n++; await next(); }, async (c) => { c.n *= 10; }]);
 * const ctx = { n: 1 };
 * await run(ctx); // ctx.n === 20
 */
export function compose<C>(middlewares: readonly Middleware<C>[]): (ctx: C) => Promise<void> {
  return (ctx) => {
    let last = -1;
    const step = async (i: number): Promise<void> => {
      if (i <= last) throw new Error("next() called more than once");
      last = i;
      const middleware = middlewares[i];
      if (middleware) await middleware(ctx, () => step(i + 1));
    };
    return step(0);
  };
}
