# Managed by hashinode. The Consul gossip encryption key: readable by the consul group only (0640).
encrypt = {{ gossipKey }}
