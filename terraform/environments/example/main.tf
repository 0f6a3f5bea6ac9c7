# Example environment on AWS (the modules use the AWS provider; the shape — public SIP edge pair,
# media nodes with public IPs and an open UDP range, private database — carries to any cloud).
# Credentials come from the environment (AWS_PROFILE, or the CI's OIDC role), never from this repo.
# Copy this directory, set the variables in a *.tfvars kept outside git, then:
#   terraform init && terraform validate && terraform plan -var-file=../../my-env.tfvars
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
  # backend "s3" { ... }  state holds addresses and ARNs: keep it in an encrypted, locked backend
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-3"
}
variable "name" {
  type    = string
  default = "switchboard-example"
}
variable "ami_id" {
  type        = string
  description = "a Debian 12/13 image for the SIP edge, media and control-plane nodes"
}
variable "admin_cidrs" {
  type        = list(string)
  description = "where Ansible connects from (SSH)"
}
variable "sip_allowed_cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

module "network" {
  source = "../../modules/network"
  name   = var.name
  cidr   = "10.30.0.0/16"
  azs    = ["${var.region}a", "${var.region}b"]
}

module "sip_edge" {
  source            = "../../modules/sip_edge"
  name              = var.name
  vpc_id            = module.network.vpc_id
  vpc_cidr          = module.network.vpc_cidr
  subnet_ids        = module.network.public_subnet_ids
  ami_id            = var.ami_id
  sip_allowed_cidrs = var.sip_allowed_cidrs
  admin_cidrs       = var.admin_cidrs
}

module "media_nodes" {
  source                     = "../../modules/media_nodes"
  name                       = var.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.public_subnet_ids
  ami_id                     = var.ami_id
  node_count                 = 3
  sip_edge_security_group_id = module.sip_edge.security_group_id
  admin_cidrs                = var.admin_cidrs
}

# control-plane nodes run in the private subnets (Ansible role control_plane, or Kubernetes);
# this group is what the database admits
resource "aws_security_group" "control_plane" {
  name_prefix = "${var.name}-cp-"
  vpc_id      = module.network.vpc_id
  description = "control plane: API 8080 and Kamailio JSON-RPC 8089 from inside the VPC"
  ingress {
    description = "API and JSON-RPC lookups"
    from_port   = 8080
    to_port     = 8089
    protocol    = "tcp"
    cidr_blocks = [module.network.vpc_cidr]
  }
  egress {
    description = "database, Redis, webhooks"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

module "database" {
  source                    = "../../modules/database"
  name                      = var.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  client_security_group_ids = [aws_security_group.control_plane.id]
}

output "sip_public_ips" { value = module.sip_edge.public_ips }
output "media_rtpengine_interfaces" { value = module.media_nodes.rtpengine_interfaces }
output "database_endpoint" { value = module.database.endpoint }
output "database_secret_arn" { value = module.database.master_secret_arn }
