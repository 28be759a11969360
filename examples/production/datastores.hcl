variable "provisioner_db_password" {
  type      = string
  sensitive = true
}

locals {
  base_dn = "dc=corp,dc=example,dc=com"
}

datastore "ldap" "corp_directory" {
  ldap_type          = "ACTIVE_DIRECTORY"
  hostnames          = ["dc1.corp.example.com:636", "dc2.corp.example.com:636"]
  use_ssl            = true
  user_dn            = "cn=pf-reader,ou=services,${local.base_dn}"
  password           = env("LDAP_BIND_PASSWORD")
  binary_attributes  = ["objectGUID"]
  max_connections    = 50
  connection_timeout = 5000
}

datastore "jdbc" "provisioner" {
  id                      = "provisionerPg"
  driver_class            = "org.postgresql.Driver"
  connection_url          = "jdbc:postgresql://db.corp.example.com:5432/pf_provisioner"
  user_name               = "pf_provisioner"
  password                = var.provisioner_db_password
  validate_connection_sql = "SELECT 1"
}

outbound_provisioning {
  datastore                 = datastore.jdbc.provisioner
  synchronization_frequency = 120
}
