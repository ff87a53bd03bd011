/**
 * The bench's baseline: a bare Fastify route that parses and validates the same PUT body as the NIC bind route and
 * answers like it, with nothing behind it (no auth, no store, no logging). Prints `baseline: serving on URL`.
 */
import Fastify from "fastify";
import { nicVipSchema } from "../src/http/ecs/schemas.js";

const app = Fastify({ logger: false });
app.put<{ Params: { project_id: string; nic_id: string } }>(
  "/v1/:project_id/cloudservers/nics/:nic_id",
  {
    // The very schema the real route validates with, so the baseline parses and checks the same.
    schema: { body: nicVipSchema },
  },
  async (request) => ({ port_id: request.params.nic_id }),
);
const url = await app.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`baseline: serving on ${url}\n`);
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
