/**
 * How the primary's loop sleeps: until a NOTIFY or another part pokes it, or the poll interval passes —
 * a poke that comes while it is busy is kept, so no wake-up is ever lost between two sleeps.
 */
export class Wakeup {
  private woken = false;
  private wake?: () => void;

  poke(): void {
    this.woken = true;
    this.wake?.();
  }

  /** Resolves true when poked (now or earlier), false when `ms` passed. */
  async sleep(ms: number): Promise<boolean> {
    if (this.woken) {
      this.woken = false;
      return true;
    }
    const woken = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    this.wake = undefined;
    this.woken = false;
    return woken;
  }
}
