// Module declarations of the Worker's non-JS imports: wrangler's Data rule turns a .safetensors
// file into an ArrayBuffer.
declare module '*.safetensors' {
  const bytes: ArrayBuffer;
  export default bytes;
}
