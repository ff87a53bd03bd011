/** A setting the operator gave that cannot be used: reported as a usage error, never as a crash. */
export class ConfigError extends Error {}
