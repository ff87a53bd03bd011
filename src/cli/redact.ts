/** A database URL fit for a log line: the password (and any query, which may carry one) replaced by `***`. */
export function redactDbUrl(db: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) return db;
  try {
    const url = new URL(db);
    if (url.password) url.password = "***";
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|key|token/i.test(key)) url.searchParams.set(key, "***");
    }
    return url.toString();
  } catch {
    // libpq's multi-host form (h1:p1,h2:p2), which URL cannot parse: the same redactions, by pattern.
    return db
      .replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@")
      .replace(/([?&][^=&]*(?:pass|secret|key|token)[^=&]*=)[^&]*/gi, "$1***");
  }
}
