// AMQP delivery: a confirm channel on a topic exchange, routing key = event type, persistent
// messages with the event id as messageId (consumers deduplicate on it). `publish` resolves only
// once the broker confirmed every message of the batch; any failure drops the connection, and the
// next batch reconnects.
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib'
import type { EventEnvelope } from '../events/contract.ts'

export interface AmqpPublisher {
  publish(events: EventEnvelope[]): Promise<void>
  close(): Promise<void>
}

export function amqpPublisher(o: { url: string; exchange: string; timeoutMs?: number; onError: (err: Error) => void }): AmqpPublisher {
  let conn: ChannelModel | undefined
  let channel: ConfirmChannel | undefined

  const reset = () => {
    const c = conn
    conn = undefined
    channel = undefined
    c?.close().catch(() => {})
  }
  async function open(): Promise<ConfirmChannel> {
    if (channel) return channel
    const c = await amqp.connect(o.url, { timeout: o.timeoutMs ?? 5000 })
    c.on('error', (err: Error) => o.onError(err))
    c.on('close', () => {
      if (conn === c) {
        conn = undefined
        channel = undefined
      }
    })
    const ch = await c.createConfirmChannel()
    ch.on('error', (err: Error) => o.onError(err))
    await ch.assertExchange(o.exchange, 'topic', { durable: true })
    conn = c
    channel = ch
    return ch
  }

  return {
    async publish(events) {
      if (events.length === 0) return
      try {
        const ch = await open()
        for (const e of events) {
          ch.publish(o.exchange, e.type, Buffer.from(JSON.stringify(e)), {
            persistent: true,
            messageId: e.id,
            type: e.type,
            contentType: 'application/json',
            timestamp: Math.floor(Date.parse(e.occurredAt) / 1000),
            headers: { 'x-event-version': e.version, ...(e.correlation.callId ? { 'x-call-id': e.correlation.callId } : {}) },
          })
        }
        let timer: NodeJS.Timeout | undefined
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('AMQP publisher confirms timed out')), o.timeoutMs ?? 5000)))
        try {
          await Promise.race([ch.waitForConfirms(), timeout])
        } finally {
          clearTimeout(timer)
        }
      } catch (err) {
        reset()
        throw err
      }
    },
    async close() {
      const c = conn
      conn = undefined
      channel = undefined
      await c?.close().catch(() => {})
    },
  }
}
