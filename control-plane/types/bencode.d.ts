// bencode 2.x (a dependency of rtpengine-client) ships no typings; the fake rtpengine in tests
// speaks ng with it.
declare module 'bencode' {
  const bencode: { encode(v: unknown): Buffer; decode(b: Buffer, encoding?: string): unknown }
  export default bencode
}
