# Kamailio nodes (active-passive pair): SIP 5060 UDP/TCP and TLS 5061 from the allowed networks,
# one Elastic IP per node for SIP (Via/Record-Route carry it: SIP_ADVERTISE_ADDRESS).
# The keepalived VIP is a private secondary address; on AWS a failover reassigns it
# (keepalived notify script with the AWS CLI) or use one EIP moved by the same script.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

variable "name" { type = string }
variable "vpc_id" { type = string }
variable "vpc_cidr" { type = string }
variable "subnet_ids" { type = list(string) }
variable "ami_id" { type = string }
variable "instance_type" {
  type    = string
  default = "c6i.large"
}
variable "node_count" {
  type    = number
  default = 2
}
variable "sip_allowed_cidrs" {
  type        = list(string)
  description = "who may send SIP: carriers' and customers' networks (0.0.0.0/0 for public phones)"
}
variable "admin_cidrs" { type = list(string) }
variable "key_name" {
  type    = string
  default = null
}

resource "aws_security_group" "sip" {
  name_prefix = "${var.name}-sip-"
  vpc_id      = var.vpc_id
  description = "SIP edge: SIP UDP/TCP 5060, TLS 5061, VRRP between the pair, SSH from admins"

  ingress {
    description = "SIP over UDP"
    from_port   = 5060
    to_port     = 5060
    protocol    = "udp"
    cidr_blocks = var.sip_allowed_cidrs
  }
  ingress {
    description = "SIP over TCP"
    from_port   = 5060
    to_port     = 5060
    protocol    = "tcp"
    cidr_blocks = var.sip_allowed_cidrs
  }
  ingress {
    description = "SIP over TLS"
    from_port   = 5061
    to_port     = 5061
    protocol    = "tcp"
    cidr_blocks = var.sip_allowed_cidrs
  }
  ingress {
    description = "VRRP (keepalived) inside the VPC"
    from_port   = 0
    to_port     = 0
    protocol    = "112"
    cidr_blocks = [var.vpc_cidr]
  }
  ingress {
    description = "SSH for Ansible"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }
  egress {
    description = "carriers, control plane JSON-RPC, rtpengine ng"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "edge" {
  count                  = var.node_count
  ami                    = var.ami_id
  instance_type          = var.instance_type
  subnet_id              = var.subnet_ids[count.index % length(var.subnet_ids)]
  vpc_security_group_ids = [aws_security_group.sip.id]
  key_name               = var.key_name
  # keepalived moves a secondary private address between the pair
  source_dest_check = false
  metadata_options { http_tokens = "required" }
  tags = { Name = "${var.name}-edge-${count.index + 1}", Role = "sip_edge" }
}

resource "aws_eip" "edge" {
  count    = var.node_count
  domain   = "vpc"
  instance = aws_instance.edge[count.index].id
  tags     = { Name = "${var.name}-edge-${count.index + 1}" }
}

output "private_ips" { value = aws_instance.edge[*].private_ip }
output "public_ips" { value = aws_eip.edge[*].public_ip }
output "security_group_id" { value = aws_security_group.sip.id }
