package dev.edgeperimeter.local;

import dev.edgeperimeter.testsupport.SamTemplate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Physical names of the template's resources when the system runs locally (moto): what
 * {@code Ref}/{@code Fn::GetAtt} resolve to in function environments, and what the local stack
 * creates. One naming rule, used by the local-invoke command, the sample-event writer, the local
 * stack and the tests.
 */
public final class LocalNames {
  public static final String STACK_NAME = "edge-perimeter-local";

  private LocalNames() {
  }

  public static String tableName(String logicalId) {
    return STACK_NAME + "-" + logicalId;
  }

  public static String keyAlias() {
    return "alias/" + STACK_NAME + "-edge-keys";
  }

  public static String edgeLogGroup() {
    return "/edge-perimeter/" + STACK_NAME + "/edge";
  }

  public static String publishSecretName() {
    return STACK_NAME + "-EdgePublishSecret";
  }

  public static String functionName(String logicalId) {
    return switch (logicalId) {
      case "AuthorizerFunction" -> STACK_NAME + "-authorizer";
      case "LogIngestFunction" -> STACK_NAME + "-log-ingest";
      case "KeyRotationFunction" -> STACK_NAME + "-key-rotation";
      default -> STACK_NAME + "-" + logicalId;
    };
  }

  /** Logical id (and {@code LogicalId.Attr}) to local physical name, for every resource in the template. */
  public static Map<String, String> physicalNames(SamTemplate template) {
    Map<String, String> names = new LinkedHashMap<>();
    template.resources().forEach((id, r) -> {
      String type = String.valueOf(SamTemplate.map(r).get("Type"));
      switch (type) {
        case "AWS::DynamoDB::Table" -> {
          names.put(id, tableName(id));
          names.put(id + ".Arn", "arn:aws:dynamodb:us-east-1:123456789012:table/" + tableName(id));
        }
        case "AWS::KMS::Key" -> {
          names.put(id, keyAlias());
          names.put(id + ".Arn", keyAlias());
        }
        case "AWS::Logs::LogGroup" -> {
          String group = "EdgeLogGroup".equals(id) ? edgeLogGroup() : "/aws/lambda/" + STACK_NAME + "-" + id;
          names.put(id, group);
          names.put(id + ".Arn", "arn:aws:logs:us-east-1:123456789012:log-group:" + group);
        }
        case "AWS::SecretsManager::Secret" -> names.put(id, publishSecretName());
        case "AWS::Serverless::Function" -> names.put(id, functionName(id));
        default -> names.put(id, STACK_NAME + "-" + id);
      }
    });
    return names;
  }
}
