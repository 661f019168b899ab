#!/usr/bin/env python3
"""Applies the AWS SAM transform to template.yaml offline and prints the CloudFormation JSON.

Uses the samtranslator package that cfn-lint brings (no AWS call, no SAM CLI): managed policy
names are not looked up, which this template does not use. Tests read the output to check what
SAM generates (for example that every invocation path names a function alias).

usage: sam-transform.py [template.yaml]
"""
import json
import os
import sys

from cfnlint.decode import decode
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    """The template names no AWS managed policies, so nothing needs looking up."""

    def load(self):
        return {}


def main() -> int:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    path = sys.argv[1] if len(sys.argv) > 1 else "template.yaml"
    template, matches = decode(path)
    if matches:
        for m in matches:
            print(m, file=sys.stderr)
        return 1
    # As `sam package` would: local code folders become S3 locations.
    for logical_id, resource in template.get("Resources", {}).items():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            if not props["CodeUri"].startswith("s3://"):
                props["CodeUri"] = f"s3://local-build/{logical_id}.zip"
    parameters = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}
    output = transform(json.loads(json.dumps(template)), parameters, NoManagedPolicies())
    json.dump(output, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
