import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Switchboard control plane',
          version: '1',
          description:
            'Provisioning and administration of the Switchboard VoIP platform. Errors are `{ error: { code, message, details?, requestId } }` with a stable `code`.',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key (sbk_…) or session token' } },
        },
        security: [{ bearer: [] }],
      },
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
  },
  { name: 'swagger' },
)
