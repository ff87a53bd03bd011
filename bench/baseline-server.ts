/**
 * The bench's baseline: a bare Fastify route that parses and validates the same PUT body as the NIC bind route and
 * answers like it, with nothing behind it (no auth, no store, no logging). Prints `baseline: serving on URL`.
 */
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.put<{ Params: { project_id: string; nic_id: string } }>(
  "/v1/:project_id/cloudservers/nics/:nic_id",
  {
    schema: {
      body: {
        type: "object",
        required: ["nic"],
        properties: {
          nic: {
            type: "object",
            required: ["subnet_id", "ip_address"],
            properties: {
              subnet_id: { type: "string", maxLength: 64 },
              ip_address: { type: "string", maxLength: 64 },
              reverse_binding: { type: "boolean" },
            },
          },
        },
      },
    },
  },
  async (request) => ({ port_id: request.params.nic_id }),
);
const url = await app.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`baseline: serving on ${url}\n`);
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
