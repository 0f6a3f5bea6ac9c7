// A reply that arrives after the command's timeout (a busy rtpengine, a loaded host) must not crash
// the control plane: rtpengine-client emits it as an 'error' event, which killed the process when
// nobody listened (seen in tests/faults/control-plane-kill.test.ts: a control plane exited at boot).
import t from 'tap'
import dgram from 'node:dgram'
import { RtpengineNg } from '../../src/modules/media/rtpengine.ts'

t.test('a late rtpengine reply is ignored, the command has already failed', async (t) => {
  let delayMs = 300
  const sock = dgram.createSocket('udp4')
  sock.on('message', (msg, rinfo) => {
    const cookie = msg.subarray(0, msg.indexOf(' ')).toString()
    setTimeout(() => sock.send(`${cookie} d6:result4:ponge`, rinfo.port, rinfo.address), delayMs)
  })
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()))
  t.teardown(() => new Promise<void>((r) => sock.close(() => r())))
  const ng = new RtpengineNg({ host: '127.0.0.1', port: sock.address().port }, 100)
  t.teardown(() => ng.close())
  const err = await ng.ping().catch((e) => e)
  t.match(err, { code: 'rtpengine_unreachable' }, 'the ping times out')
  await new Promise((r) => setTimeout(r, 400)) // the late pong arrives now
  t.pass('the late reply did not crash the process')
  delayMs = 0
  await t.resolves(ng.ping(), 'the next ping works')
})
