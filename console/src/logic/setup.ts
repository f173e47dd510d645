/**
 * Where the first-run setup stands, kept in the browser (localStorage) so it can be left and resumed,
 * and when the console opens it by itself: on the embedded default (a configuration nothing saves) or
 * while no speaker is configured, until it is left once.
 */
export const SETUP_STEPS = ['interface', 'ptp', 'speakers', 'music'] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

const STEP_KEY = 'setup-step';
const LEFT_KEY = 'setup-left';

/** The slice of Storage the setup needs (a test passes a Map-backed one). */
export type KeyValue = Pick<Storage, 'getItem' | 'setItem'>;

export function setupStoreOn(kv: () => KeyValue) {
  return {
    step(): SetupStep {
      const s = kv().getItem(STEP_KEY);
      return (SETUP_STEPS as readonly string[]).includes(s ?? '') ? (s as SetupStep) : SETUP_STEPS[0];
    },
    setStep(s: SetupStep): void {
      kv().setItem(STEP_KEY, s);
    },
    /** Left (done or not): the console no longer opens it by itself; the Setup page still offers it. */
    leave(done: boolean): void {
      kv().setItem(LEFT_KEY, done ? 'done' : 'left');
      if (done) kv().setItem(STEP_KEY, SETUP_STEPS[0]);
    },
    /** Whether to open the setup on arrival: the embedded default or nothing to play to, and not left before. */
    opensItself(speakers: number | undefined, configFile: string | null | undefined): boolean {
      if (speakers === undefined || configFile === undefined) return false;
      return (speakers === 0 || configFile === null) && kv().getItem(LEFT_KEY) === null;
    },
  };
}

export const setupStore = setupStoreOn(() => window.localStorage);
