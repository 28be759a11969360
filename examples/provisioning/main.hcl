# Outbound provisioning from the corporate directory to PingOne, with the account that
# administers users over the connection to PingOne kept out of provisioning.
#
# Try it on the built-in sandbox (it serves PingFederate and PingOne; its PingOne side
# has the populations "Employees" and "Contractors" and the user
# pingone-admin@example.com). sandbox.vars holds throwaway values for the secrets:
#
#   cargo run --release -- apply --sandbox --auto-approve \
#     --var-file examples/provisioning/sandbox.vars examples/provisioning
#
# Against real systems, pass the secrets as PINGFORM_VAR_<name> environment variables
# (from your CI's secret store) and set the URLs and ids below.

variable "pingfederate_password" {
  type      = string
  sensitive = true
}

variable "pingone_client_secret" {
  type      = string
  sensitive = true
}

variable "pingone_credential" {
  type        = string
  sensitive   = true
  description = "The PingOne connection credential PingFederate uses (from the PingOne admin console)"
}

variable "ldap_bind_password" {
  type      = string
  sensitive = true
}

variable "provisioner_db_password" {
  type      = string
  sensitive = true
}

pingfederate {
  url      = "https://pf-admin.corp.example.com:9999/pf-admin-api/v1"
  username = "pingform"
  password = var.pingfederate_password
}

# The worker app pingform uses to read PingOne during plan (it never writes PingOne).
pingone {
  region         = "NA"
  environment_id = "0a1b2c3d-0000-4000-8000-000000000001"
  client_id      = "0c1d2e3f-0000-4000-8000-00000000c11e"
  client_secret  = var.pingone_client_secret
}

datastore "ldap" "corp_directory" {
  ldap_type = "PING_DIRECTORY"
  hostnames = ["ldap1.corp.example.com:636", "ldap2.corp.example.com:636"]
  use_ssl   = true
  user_dn   = "cn=pf-reader,ou=services,dc=corp,dc=example,dc=com"
  password  = var.ldap_bind_password
}

datastore "jdbc" "provisioner" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.corp.example.com:5432/pf_provisioner"
  user_name      = "pf_provisioner"
  password       = var.provisioner_db_password
}

outbound_provisioning {
  datastore                 = datastore.jdbc.provisioner
  synchronization_frequency = 60
}

# The credential PingFederate itself uses to reach PingOne.
pingone_connection "workforce" {
  name       = "Workforce"
  credential = var.pingone_credential
}

provisioning_connection "pingone" {
  entity_id          = "pingone-provisioning"
  name               = "PingOne provisioning"
  active             = true
  pingone_connection = pingone_connection.workforce
  remove_action      = "Disable"

  channel "employees" {
    datastore   = datastore.ldap.corp_directory
    base_dn     = "ou=people,dc=corp,dc=example,dc=com"
    user_filter = "(objectClass=inetOrgPerson)"
    population  = "Employees"
    attribute_mapping = {
      username  = "uid"
      email     = "mail"
      firstName = "givenName"
      lastName  = "sn"
    }
  }
}

# The PingFederate guide for enabling provisioning: keep the account used to
# administer users over the connection to PingOne out of what PingFederate provisions.
exclusion "pingone_admin" {
  pingone_username = "pingone-admin@example.com"
  source_attribute = "uid"
  source_value     = "pingone-admin"
  reason           = "administers users over the connection to PingOne"
}
