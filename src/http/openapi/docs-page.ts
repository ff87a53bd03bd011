/**
 * `/docs`: the OpenAPI document rendered as one self-contained HTML page (no script, font or style from elsewhere),
 * grouped by tag, with each operation's id, parameters, request body and responses.
 */
// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document read loosely, only to print it
type Json = Record<string, any>;

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function schemaBlock(schema: unknown): string {
  return `<details><summary>schema</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`;
}

function parametersTable(parameters: Json[] | undefined): string {
  if (!parameters?.length) return "";
  const rows = parameters
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? "yes" : ""}</td>` +
        `<td><code>${escapeHtml(JSON.stringify(p.schema ?? {}))}</code></td></tr>`,
    )
    .join("");
  return `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${rows}</table>`;
}

function operationSection(method: string, path: string, operation: Json): string {
  const body = operation.requestBody?.content?.["application/json"]?.schema;
  const responses = Object.entries((operation.responses ?? {}) as Record<string, Json>)
    .map(([status, response]) => {
      const schema = response.content?.["application/json"]?.schema;
      return `<li><b>${escapeHtml(status)}</b> ${escapeHtml(response.description ?? "")}${schema ? schemaBlock(schema) : ""}</li>`;
    })
    .join("");
  return `<section id="${escapeHtml(operation.operationId ?? "")}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(operation.summary ?? "")} — <code>operationId: ${escapeHtml(operation.operationId ?? "")}</code></p>
${parametersTable(operation.parameters)}
${body ? `<h4>Request body</h4>${schemaBlock(body)}` : ""}
<h4>Responses</h4><ul>${responses}</ul>
</section>`;
}

export function docsPage(document: Json): string {
  const byTag = new Map<string, string[]>();
  const index = new Map<string, string[]>();
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const tag = (operation.tags?.[0] as string | undefined) ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationSection(method, path, operation)]);
      const link = `<a href="#${escapeHtml(operation.operationId)}">${escapeHtml(operation.operationId)}</a>`;
      index.set(tag, [...(index.get(tag) ?? []), link]);
    }
  }
  const title = escapeHtml(`${document.info?.title ?? "API"} ${document.info?.version ?? ""}`);
  const nav = [...index].map(([tag, links]) => `<h4>${escapeHtml(tag)}</h4>${links.join("<br>")}`).join("");
  const sections = [...byTag].map(([tag, parts]) => `<h2>${escapeHtml(tag)}</h2>${parts.join("")}`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;display:flex}
nav{width:260px;height:100vh;overflow:auto;position:sticky;top:0;padding:12px;background:#f4f5f7;font-size:13px}
main{flex:1;padding:12px 24px;max-width:1100px}
section{border-top:1px solid #ddd;padding:6px 0}
.m{display:inline-block;min-width:56px;text-align:center;border-radius:3px;color:#fff;font-size:12px;padding:2px 4px}
.get{background:#2b7bb9}.post{background:#3a9a4a}.put{background:#c98a12}.delete{background:#c23b3b}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}
pre{background:#f7f7f7;padding:6px;overflow:auto;max-height:400px}
</style></head>
<body><nav><b>${title}</b><p><a href="/openapi.json">openapi.json</a></p>${nav}</nav>
<main><h1>${title}</h1><p>${escapeHtml(document.info?.description ?? "")}</p>${sections}</main></body></html>
`;
}
