# Managed by hashinode. The Nomad server gossip encryption key: readable by the nomad group only (0640).
server {
  encrypt = {{ gossipKey }}
}
