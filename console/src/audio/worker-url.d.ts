/** Vite bundles a file imported with `?worker&url` on its own and gives its URL (the AudioWorklet's module). */
declare module '*?worker&url' {
  const url: string;
  export default url;
}
