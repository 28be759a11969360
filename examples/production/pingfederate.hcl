# How pingform reaches the PingFederate Admin API. Secrets come from the environment,
# never from the files in version control.
pingfederate {
  url      = "https://pf-admin.corp.example.com:9999/pf-admin-api/v1"
  username = "pingform"
  password = env("PF_ADMIN_PASSWORD")
  # The CA that signed the admin listener's certificate, when it is not publicly
  # trusted (a self-signed PingFederate install): a PEM file next to these files.
  # ca_file       = "pf-admin-ca.pem"
  request_timeout = "30s"
}
