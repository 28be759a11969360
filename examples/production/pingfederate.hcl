# How pingform reaches the PingFederate Admin API. Secrets come from the environment,
# never from the files in version control.
pingfederate {
  url             = "https://pf-admin.corp.example.com:9999/pf-admin-api/v1"
  username        = "pingform"
  password        = env("PF_ADMIN_PASSWORD")
  ca_file         = "certs/pf-admin-ca.pem"
  request_timeout = "30s"
}
