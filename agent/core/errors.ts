// Every failure the agent reports carries a stable code. Operators grep for codes, alerting keys on
// them, and systemd's RestartPreventExitStatus lists the exit codes of the terminal ones, so a code
// and its exit code never change meaning once released. The README's error table is checked
// against this list by a test.

export interface ErrorCodeInfo {
  /** Process exit code when this error ends the program. */
  readonly exit: number;
  /** True when retrying cannot help (bad input): systemd must not restart the unit for it. */
  readonly terminal: boolean;
  /** One line for the README table. */
  readonly meaning: string;
}

export const ERROR_CODES = {
  // 2: the command line itself
  HN_E_USAGE: { exit: 2, terminal: true, meaning: 'Unknown command or flag, or a malformed argument.' },

  // 10-19: local input (env file, spec, templates, HCL, files)
  HN_E_ENV_FILE: { exit: 10, terminal: true, meaning: 'The env file has a line that is not KEY=VALUE, a duplicate key, or bad quoting.' },
  HN_E_SPEC_INVALID: { exit: 11, terminal: true, meaning: 'An input (flag, env file, tag) has a value that is not allowed; the message names key, source and what is allowed.' },
  HN_E_HCL_SYNTAX: { exit: 12, terminal: true, meaning: 'An HCL file does not parse; the message gives file:line:column and the line with a caret.' },
  HN_E_HCL_EDIT: { exit: 13, terminal: true, meaning: 'An HCL edit cannot apply: the path is missing, ambiguous, or not an attribute/block.' },
  HN_E_TEMPLATE: { exit: 14, terminal: true, meaning: 'A template is malformed or uses an unknown variable (template:line named).' },
  HN_E_RENDER_INVALID: { exit: 15, terminal: true, meaning: 'A rendered file failed validation (our HCL parser, hcl2-parser, or the service validator); nothing was written.' },
  HN_E_FILE_READ: { exit: 16, terminal: false, meaning: 'A file the agent needs could not be read.' },
  HN_E_FILE_WRITE: { exit: 17, terminal: false, meaning: 'A file could not be written (unwritable directory, disk full); the old file is untouched.' },
  HN_E_OWNER_UNKNOWN: { exit: 18, terminal: true, meaning: 'A file must belong to a user or group that does not exist on this host.' },

  // 20-29: the instance and AWS
  HN_E_IMDS_FORBIDDEN: { exit: 20, terminal: true, meaning: 'IMDS answered 403: it is disabled or blocked for this instance.' },
  HN_E_IMDS_UNREACHABLE: { exit: 21, terminal: false, meaning: 'IMDS did not answer within the deadline (timeouts, 503s, refused connections).' },
  HN_E_IMDS_BAD_RESPONSE: { exit: 22, terminal: false, meaning: 'IMDS answered something that is not what the protocol says (bad status, oversized or malformed body).' },
  HN_E_AWS_API: { exit: 23, terminal: false, meaning: 'An AWS API call failed after retries (throttling, credentials, endpoint).' },

  // 30-39: the shared disk and the election
  HN_E_EFS_NOT_FOUND: { exit: 30, terminal: false, meaning: 'No EFS file system is tagged for this cluster, or the given id does not exist.' },
  HN_E_EFS_NOT_READY: { exit: 31, terminal: false, meaning: 'The EFS file system did not become available with a mount target in this AZ in time.' },
  HN_E_MOUNT: { exit: 32, terminal: false, meaning: 'Mounting the shared disk failed.' },
  HN_E_SHARED_UNAVAILABLE: { exit: 33, terminal: false, meaning: 'The shared directory is missing, read-only or full.' },
  HN_E_LEASE_LOST: { exit: 34, terminal: false, meaning: 'This node lost the first-server lease (the term moved on) and stopped before committing anything.' },

  // 40-49: PKI and the mailbox
  HN_E_PKI: { exit: 40, terminal: false, meaning: 'Creating or loading a CA, certificate or key failed.' },
  HN_E_CERT_INVALID: { exit: 41, terminal: true, meaning: 'A certificate or key file is malformed, expired, or does not match.' },
  HN_E_IDENTITY_INVALID: { exit: 42, terminal: true, meaning: 'An instance identity document or its signature does not verify.' },
  HN_E_MAILBOX_REFUSED: { exit: 43, terminal: true, meaning: 'The CA holder refused this node\'s request; the reason is in the message.' },
  HN_E_MAILBOX_TIMEOUT: { exit: 44, terminal: false, meaning: 'No reply to this node\'s request in time.' },
  HN_E_SEALED_BOX: { exit: 45, terminal: false, meaning: 'A sealed reply could not be opened (wrong key or tampered).' },

  // 50-59: the workflow and the services
  HN_E_PHASE: { exit: 50, terminal: false, meaning: 'A phase failed; the message names the phase and the cause.' },
  HN_E_SERVICE: { exit: 51, terminal: false, meaning: 'A service (consul, nomad, vault, dnsmasq) failed to start, stop or reload.' },
  HN_E_SERVICE_API: { exit: 52, terminal: false, meaning: 'A Consul, Nomad or Vault HTTP API call failed.' },
  HN_E_ACL_BOOTSTRAP_LOST: { exit: 53, terminal: true, meaning: 'ACLs were bootstrapped before and the stored management secret does not work: follow the ACL reset procedure.' },
  HN_E_TIMEOUT: { exit: 54, terminal: false, meaning: 'Waiting for a condition (leader, cluster ready, a service) timed out.' },
  HN_E_EXEC: { exit: 55, terminal: false, meaning: 'A program could not be run or did not finish in time.' },
  HN_E_JOURNAL: { exit: 56, terminal: false, meaning: 'The phase journal under /var/lib/hashinode is unreadable.' },
  HN_E_INTERRUPTED: { exit: 57, terminal: false, meaning: 'Stopped by SIGTERM or SIGINT before finishing; a re-run resumes from the journal.' },

  // 60-69: the local status socket
  HN_E_STATUS_UNAVAILABLE: { exit: 60, terminal: false, meaning: 'No agent answers on the status socket.' },

  // 70: bugs
  HN_E_INTERNAL: { exit: 70, terminal: false, meaning: 'An unexpected internal error (a bug): please report it with the log.' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class HashinodeError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  /** Extra structured context for logs (never secrets). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HashinodeError';
    this.code = code;
    this.exitCode = ERROR_CODES[code].exit;
    this.details = options?.details;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isHashinodeError(err: unknown, code?: ErrorCode): err is HashinodeError {
  return err instanceof HashinodeError && (code === undefined || err.code === code);
}

/** Wraps anything thrown into a HashinodeError, keeping an existing code. */
export function toHashinodeError(err: unknown, code: ErrorCode = 'HN_E_INTERNAL', context?: string): HashinodeError {
  if (err instanceof HashinodeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new HashinodeError(code, context ? `${context}: ${message}` : message, { cause: err });
}

/** Exit codes of errors that retrying cannot fix: the unit's RestartPreventExitStatus. */
export function terminalExitCodes(): number[] {
  const codes = new Set<number>();
  for (const info of Object.values(ERROR_CODES) as ErrorCodeInfo[]) if (info.terminal) codes.add(info.exit);
  return [...codes].sort((a, b) => a - b);
}
