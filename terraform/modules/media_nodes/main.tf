# RTPengine nodes: each has its own Elastic IP (written into SDP: rtpengine interface
# "private!public"), the RTP UDP range open to the world (phones and carriers send media from
# anywhere), and ng (UDP 22222) open only to the SIP edge.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

variable "name" { type = string }
variable "vpc_id" { type = string }
variable "subnet_ids" { type = list(string) }
variable "ami_id" { type = string }
variable "instance_type" {
  type    = string
  default = "c6i.xlarge"
}
variable "node_count" {
  type    = number
  default = 2
}
variable "rtp_port_min" {
  type    = number
  default = 30000
}
variable "rtp_port_max" {
  type    = number
  default = 39999
  validation {
    condition     = var.rtp_port_max > var.rtp_port_min
    error_message = "rtp_port_max must be above rtp_port_min (rtpengine uses 4 ports per call)."
  }
}
variable "sip_edge_security_group_id" { type = string }
variable "admin_cidrs" { type = list(string) }
variable "key_name" {
  type    = string
  default = null
}

resource "aws_security_group" "media" {
  name_prefix = "${var.name}-media-"
  vpc_id      = var.vpc_id
  description = "RTP UDP range from anywhere, ng from the SIP edge, SSH from admins"

  ingress {
    description = "RTP/RTCP/SRTP media"
    from_port   = var.rtp_port_min
    to_port     = var.rtp_port_max
    protocol    = "udp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    description     = "rtpengine ng control from Kamailio"
    from_port       = 22222
    to_port         = 22222
    protocol        = "udp"
    security_groups = [var.sip_edge_security_group_id]
  }
  ingress {
    description = "SSH for Ansible"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }
  egress {
    description = "media towards phones and carriers"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "media" {
  count                  = var.node_count
  ami                    = var.ami_id
  instance_type          = var.instance_type
  subnet_id              = var.subnet_ids[count.index % length(var.subnet_ids)]
  vpc_security_group_ids = [aws_security_group.media.id]
  key_name               = var.key_name
  metadata_options { http_tokens = "required" }
  tags = { Name = "${var.name}-media-${count.index + 1}", Role = "media" }
}

resource "aws_eip" "media" {
  count    = var.node_count
  domain   = "vpc"
  instance = aws_instance.media[count.index].id
  tags     = { Name = "${var.name}-media-${count.index + 1}" }
}

output "private_ips" { value = aws_instance.media[*].private_ip }
output "public_ips" { value = aws_eip.media[*].public_ip }
# what the Ansible inventory needs per node: rtpengine_interface = "private!public"
output "rtpengine_interfaces" {
  value = [for i, inst in aws_instance.media : "${inst.private_ip}!${aws_eip.media[i].public_ip}"]
}
