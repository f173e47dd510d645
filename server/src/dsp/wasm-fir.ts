/**
 * WebAssembly SIMD kernel for the FIR resamplers, assembled here from
 * readable opcodes so there is no binary blob and no build step.
 *
 * Why: a scalar JS dot product measured ~1 ns per tap per stereo frame on
 * the bench machine, which is not enough for 50x real time at ~180 dB; with
 * f64x2 lanes (one lane per channel of a pair) the same loop runs ~3x faster
 * with bit-identical structure (plain float64 multiply-adds).
 *
 * Interface: the JS side writes "jobs" (one per output frame) and calls
 *   fir(jobs, count, taps, channels, out)            fixed coefficients
 *   firInterp(jobs, count, taps, channels, out, d)   coefficients c + f * delta
 * A job is 16 bytes: i32 byte offset of the coefficient row, i32 byte offset
 * of the first input frame, f64 interpolation fraction (firInterp only);
 * `d` is the byte distance from a coefficient to its delta. Channels are
 * processed in pairs; an odd last channel computes a throwaway second lane
 * (hence one frame of padding after the input buffer).
 */

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const str = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** Instruction helpers (memarg alignment hints are log2 bytes). */
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(v)];
const i32Load = (offset: number) => [0x28, 2, ...uleb(offset)];
const f64Load = (offset: number) => [0x2b, 3, ...uleb(offset)];
const f64Store = [0x39, 3, 0];
const add = [0x6a];
const mul = [0x6c];
const shrU = [0x76];
const ltU = [0x49];
const eqz = [0x45];
const f64Add = [0xa0];
const f64Mul = [0xa2];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
// Frames are only 8-byte aligned, so v128 accesses declare 8-byte alignment.
const v128Load = (offset: number) => simd(0x00, 3, ...uleb(offset));
const v128Store = simd(0x0b, 3, 0);
const v128Zero = simd(0x0c, ...new Array<number>(16).fill(0));
const f64x2Splat = simd(0x14);
const f64x2Lane0 = simd(0x21, 0);
const f64x2Add = simd(0xf0);
const f64x2Mul = simd(0xf2);
const block = (...body: number[][]) => [0x02, 0x40, ...body.flat(), 0x0b];
const loop = (...body: number[][]) => [0x03, 0x40, ...body.flat(), 0x0b];
const ifElse = (then: number[][], otherwise: number[][]) => [0x04, 0x40, ...then.flat(), 0x05, ...otherwise.flat(), 0x0b];
const brIf = (depth: number) => [0x0d, ...uleb(depth)];

// Parameters.
const JOBS = 0, COUNT = 1, TAPS = 2, CH = 3, OUT = 4, DELTA = 5;

/** Body shared by both kernels. `interp` selects coefficients c + f * delta. */
function firBody(interp: boolean): number[] {
  const base = interp ? 6 : 5;
  const END = base, STRIDE = base + 1, PAIR = base + 2, C = base + 3, CEND = base + 4, X = base + 5, CROW = base + 6, XROW = base + 7;
  const A0 = base + 8, A1 = base + 9, A2 = base + 10, A3 = base + 11, FRAC = base + 12;
  const locals = [
    [8, I32],
    [4, V128],
    [1, F64],
  ];
  /** Coefficient at byte offset C + off (interpolated if needed), splatted. */
  const coef = (off: number) =>
    interp ? [...get(C), ...f64Load(off), ...get(C), ...get(DELTA), ...add, ...f64Load(off), ...get(FRAC), ...f64Mul, ...f64Add, ...f64x2Splat] : [...get(C), ...f64Load(off), ...f64x2Splat];
  /** acc += coef(cOff) * input frame at X + k * STRIDE. */
  const mac = (acc: number, cOff: number, k: number) => [
    ...get(acc),
    ...coef(cOff),
    ...get(X),
    ...(k === 0 ? [] : [...get(STRIDE), ...i32c(k), ...mul, ...add]),
    ...v128Load(0),
    ...f64x2Mul,
    ...f64x2Add,
    ...set(acc),
  ];
  const code = [
    // stride = channels * 8; end = jobs + count * 16
    ...get(CH), ...i32c(8), ...mul, ...set(STRIDE),
    ...get(JOBS), ...get(COUNT), ...i32c(16), ...mul, ...add, ...set(END),
    ...block(
      [...get(JOBS), ...get(END), ...ltU, ...eqz, ...brIf(0)],
      loop(
        [...get(JOBS), ...i32Load(0), ...set(CROW)],
        [...get(JOBS), ...i32Load(4), ...set(XROW)],
        interp ? [...get(JOBS), ...f64Load(8), ...set(FRAC)] : [],
        [...i32c(0), ...set(PAIR)],
        loop(
          // c = crow; cend = crow + taps * 8; x = xrow + pair * 16
          [...get(CROW), ...set(C)],
          [...get(CROW), ...get(TAPS), ...i32c(8), ...mul, ...add, ...set(CEND)],
          [...get(XROW), ...get(PAIR), ...i32c(16), ...mul, ...add, ...set(X)],
          [...v128Zero, ...set(A0), ...v128Zero, ...set(A1), ...v128Zero, ...set(A2), ...v128Zero, ...set(A3)],
          // Four taps per iteration into four accumulators (taps % 4 === 0).
          loop(
            mac(A0, 0, 0),
            mac(A1, 8, 1),
            mac(A2, 16, 2),
            mac(A3, 24, 3),
            [...get(C), ...i32c(32), ...add, ...set(C)],
            [...get(X), ...get(STRIDE), ...i32c(4), ...mul, ...add, ...set(X)],
            [...get(C), ...get(CEND), ...ltU, ...brIf(0)],
          ),
          // sum = (a0 + a1) + (a2 + a3); store both lanes, or lane 0 for an odd last channel.
          [...get(OUT), ...get(PAIR), ...i32c(16), ...mul, ...add, ...set(X)],
          [...get(A0), ...get(A1), ...f64x2Add, ...get(A2), ...get(A3), ...f64x2Add, ...f64x2Add, ...set(A0)],
          [...get(PAIR), ...i32c(2), ...mul, ...i32c(1), ...add, ...get(CH), ...ltU],
          ifElse([[...get(X), ...get(A0), ...v128Store]], [[...get(X), ...get(A0), ...f64x2Lane0, ...f64Store]]),
          [...get(PAIR), ...i32c(1), ...add, ...set(PAIR)],
          [...get(PAIR), ...get(CH), ...i32c(1), ...add, ...i32c(1), ...shrU, ...ltU, ...brIf(0)],
        ),
        [...get(OUT), ...get(STRIDE), ...add, ...set(OUT)],
        [...get(JOBS), ...i32c(16), ...add, ...set(JOBS)],
        [...get(JOBS), ...get(END), ...ltU, ...brIf(0)],
      ),
    ),
    0x0b,
  ];
  const body = [...vec(locals.map(([n, t]) => [...uleb(n), t])), ...code];
  return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array {
  const fixedType = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0];
  const interpType = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([fixedType, interpType])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...str('fir'), 0x00, 0], [...str('firInterp'), 0x00, 1]])),
    ...section(10, vec([firBody(false), firBody(true)])),
  ]);
}

/** The slice of the WebAssembly API used here (the project's TS lib has no WebAssembly typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

export interface FirKernel {
  readonly memory: { buffer: ArrayBuffer };
  fir(jobs: number, count: number, taps: number, channels: number, out: number): void;
  firInterp(jobs: number, count: number, taps: number, channels: number, out: number, delta: number): void;
}

/** Instantiates the kernel over a fresh memory of at least `bytes` bytes. */
export function createFirKernel(bytes: number): FirKernel {
  compiled ??= new wasm.Module(moduleBytes());
  const memory = new wasm.Memory({ initial: Math.ceil(bytes / 65536) });
  const exports = new wasm.Instance(compiled, { env: { memory } }).exports as Omit<FirKernel, 'memory'>;
  return { memory, fir: exports.fir, firInterp: exports.firInterp };
}
