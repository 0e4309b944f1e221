import { describe, expect, it } from 'vitest';
import { applyPhaseEdit, COMMENT_MARKER, SET_MARKER } from '../../../agent/hcl/index.ts';

// The exact text of the bootstrap edits: the marker formats are a contract with operators (and
// with revert), so they are pinned here.

const CONSUL = `server = true
bootstrap_expect = 3 # three servers
retry_join = [
  "provider=aws tag_key=k tag_value=v",
]

acl {
  enabled        = true
  default_policy = "deny"
  tokens {
    agent = "t"
  }
}

auto_encrypt {
  allow_tls = true
}

tls {
  defaults {
    verify_incoming = true
  }
}
`;

const CONSUL_BOOTSTRAPPED = `server = true
bootstrap_expect = 1 # hashinode:bootstrap-set
# hashinode:bootstrap bootstrap_expect = 3 # three servers
# hashinode:bootstrap retry_join = [
  # hashinode:bootstrap "provider=aws tag_key=k tag_value=v",
# hashinode:bootstrap ]

acl {
  enabled        = true
  default_policy = "allow" # hashinode:bootstrap-set
  # hashinode:bootstrap default_policy = "deny"
  # hashinode:bootstrap tokens {
    # hashinode:bootstrap agent = "t"
  # hashinode:bootstrap }
}

# hashinode:bootstrap auto_encrypt {
  # hashinode:bootstrap allow_tls = true
# hashinode:bootstrap }

# hashinode:bootstrap tls {
  # hashinode:bootstrap defaults {
    # hashinode:bootstrap verify_incoming = true
  # hashinode:bootstrap }
# hashinode:bootstrap }
`;

const NOMAD = `server {
  enabled          = true
  bootstrap_expect = 3
  server_join {
    retry_join = ["provider=aws tag_key=k tag_value=v"]
  }
}
client {
  server_join {
    retry_join = ["x"]
  }
}
`;

const NOMAD_BOOTSTRAPPED = `server {
  enabled          = true
  bootstrap_expect = 1 # hashinode:bootstrap-set
  # hashinode:bootstrap bootstrap_expect = 3
  # hashinode:bootstrap server_join {
    # hashinode:bootstrap retry_join = ["provider=aws tag_key=k tag_value=v"]
  # hashinode:bootstrap }
}
client {
  server_join {
    retry_join = ["x"]
  }
}
`;

describe('phase edits', () => {
  it('markers are the documented ones', () => {
    expect(COMMENT_MARKER).toBe('# hashinode:bootstrap ');
    expect(SET_MARKER).toBe(' # hashinode:bootstrap-set');
  });

  it('bootstrap on consul.hcl: bootstrap_expect 1, retry_join/tls/auto_encrypt/acl.tokens commented, default_policy allow', () => {
    expect(applyPhaseEdit(CONSUL, 'bootstrap', 'consul')).toBe(CONSUL_BOOTSTRAPPED);
    expect(applyPhaseEdit(CONSUL_BOOTSTRAPPED, 'revert', 'consul')).toBe(CONSUL);
  });

  it('bootstrap on nomad.hcl: server.bootstrap_expect 1 and server.server_join commented; client untouched', () => {
    expect(applyPhaseEdit(NOMAD, 'bootstrap', 'nomad')).toBe(NOMAD_BOOTSTRAPPED);
    expect(applyPhaseEdit(NOMAD_BOOTSTRAPPED, 'revert', 'nomad')).toBe(NOMAD);
  });

  it('comments out a legacy server.retry_join list', () => {
    const text = 'server {\n  retry_join = ["a"]\n}\n';
    expect(applyPhaseEdit(text, 'bootstrap', 'nomad')).toBe('server {\n  # hashinode:bootstrap retry_join = ["a"]\n}\n');
  });

  it('closes the Consul TLS ports (https, grpc_tls) while the tls stanza is commented out', () => {
    const text = 'ports {\n  http  = 8500\n  https = 8501\n  grpc_tls = 8503\n}\ntls {\n}\n';
    const out = applyPhaseEdit(text, 'bootstrap', 'consul');
    expect(out).toBe(
      'ports {\n  http  = 8500\n  https = -1 # hashinode:bootstrap-set\n  # hashinode:bootstrap https = 8501\n  grpc_tls = -1 # hashinode:bootstrap-set\n  # hashinode:bootstrap grpc_tls = 8503\n}\n# hashinode:bootstrap tls {\n# hashinode:bootstrap }\n',
    );
    expect(applyPhaseEdit(out, 'revert', 'consul')).toBe(text);
    const withoutTls = 'ports {\n  https = 8501\n}\n';
    expect(applyPhaseEdit(withoutTls, 'bootstrap', 'consul')).toBe(withoutTls);
  });

  it('leaves a value that is already the bootstrap value without a marker', () => {
    const text = 'bootstrap_expect = 1\n';
    expect(applyPhaseEdit(text, 'bootstrap', 'consul')).toBe(text);
  });

  it('does not add default_policy when acl has none (Consul already defaults to allow)', () => {
    const text = 'acl {\n  enabled = true\n}\n';
    expect(applyPhaseEdit(text, 'bootstrap', 'consul')).toBe(text);
  });

  it('sets an argument of a one-line block by marking the whole line', () => {
    const text = 'acl { default_policy = "deny" }\n';
    const out = applyPhaseEdit(text, 'bootstrap', 'consul');
    expect(out).toBe('acl { default_policy = "allow" } # hashinode:bootstrap-set\n# hashinode:bootstrap acl { default_policy = "deny" }\n');
    expect(applyPhaseEdit(out, 'revert', 'consul')).toBe(text);
  });

  it('keeps CRLF, a byte order mark and a last line without newline exact through revert', () => {
    const text = '\ufeffbootstrap_expect = 3\r\nretry_join = ["a"]';
    const out = applyPhaseEdit(text, 'bootstrap', 'consul');
    expect(out).toBe('\ufeffbootstrap_expect = 1 # hashinode:bootstrap-set\r\n# hashinode:bootstrap bootstrap_expect = 3\r\n# hashinode:bootstrap retry_join = ["a"]');
    expect(applyPhaseEdit(out, 'revert', 'consul')).toBe(text);
  });

  it('comments every line of a heredoc inside a commented block, and restores it', () => {
    const text = 'tls {\n  x = <<EOF\n  body\n\nEOF\n}\n';
    const out = applyPhaseEdit(text, 'bootstrap', 'consul');
    expect(out).toBe('# hashinode:bootstrap tls {\n  # hashinode:bootstrap x = <<EOF\n  # hashinode:bootstrap body\n# hashinode:bootstrap \n# hashinode:bootstrap EOF\n# hashinode:bootstrap }\n');
    expect(applyPhaseEdit(out, 'revert', 'consul')).toBe(text);
  });

  it('refuses (HN_E_HCL_EDIT) an item that shares its line, rather than commenting too much', () => {
    expect(() => applyPhaseEdit('/* note */ tls {\n}\n', 'bootstrap', 'consul')).toThrow(expect.objectContaining({ code: 'HN_E_HCL_EDIT' }));
  });

  it('rejects a file that does not parse with HN_E_HCL_SYNTAX', () => {
    expect(() => applyPhaseEdit('acl {\n', 'bootstrap', 'consul', 'consul.hcl')).toThrow(expect.objectContaining({ code: 'HN_E_HCL_SYNTAX' }));
    expect(() => applyPhaseEdit('acl {\n', 'revert', 'consul', 'consul.hcl')).toThrow(expect.objectContaining({ code: 'HN_E_HCL_SYNTAX' }));
  });
});

describe('phase edits in one-line blocks', () => {
  it('comments out the argument of a one-line block by rewriting the block line as an empty block', () => {
    const text = 'acl { tokens = { agent = "t" } } # note\n';
    const out = applyPhaseEdit(text, 'bootstrap', 'consul');
    expect(out).toBe('acl {} # note # hashinode:bootstrap-set\n# hashinode:bootstrap acl { tokens = { agent = "t" } } # note\n');
    expect(applyPhaseEdit(out, 'revert', 'consul')).toBe(text);
    expect(applyPhaseEdit(out, 'bootstrap', 'consul')).toBe(out);
  });
});

describe('phase edits in object values (acl = { ... })', () => {
  it('edits entries on their own lines like block arguments', () => {
    const text = 'acl = {\n  default_policy = "deny", # strict\n  tokens = {\n    agent = "t"\n  }\n}\n';
    const out = applyPhaseEdit(text, 'bootstrap', 'consul');
    expect(out).toBe(
      'acl = {\n  default_policy = "allow", # strict # hashinode:bootstrap-set\n  # hashinode:bootstrap default_policy = "deny", # strict\n  # hashinode:bootstrap tokens = {\n    # hashinode:bootstrap agent = "t"\n  # hashinode:bootstrap }\n}\n',
    );
    expect(applyPhaseEdit(out, 'revert', 'consul')).toBe(text);
    expect(applyPhaseEdit(out, 'bootstrap', 'consul')).toBe(out);
  });

  it('merges several edits of one single-line object into one marked line', () => {
    const text = 'ports = { https = 8501, grpc_tls = 8503 }\nacl = { tokens = { a = 1 }, default_policy = "deny" }\ntls = {}\n';
    const out = applyPhaseEdit(text, 'bootstrap', 'consul');
    expect(out).toBe(
      'ports = { https = -1, grpc_tls = -1 } # hashinode:bootstrap-set\n# hashinode:bootstrap ports = { https = 8501, grpc_tls = 8503 }\n' +
        'acl = { default_policy = "allow" } # hashinode:bootstrap-set\n# hashinode:bootstrap acl = { tokens = { a = 1 }, default_policy = "deny" }\n' +
        '# hashinode:bootstrap tls = {}\n',
    );
    expect(applyPhaseEdit(out, 'revert', 'consul')).toBe(text);
  });

  it('refuses an entry sharing a line inside a multi-line object', () => {
    const text = 'acl = {\n  enabled = true, tokens = { a = 1 }\n}\n';
    expect(() => applyPhaseEdit(text, 'bootstrap', 'consul')).toThrow(expect.objectContaining({ code: 'HN_E_HCL_EDIT' }));
  });
});
