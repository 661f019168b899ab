package dev.edgeperimeter.local;

import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.testsupport.SamTemplate;
import dev.edgeperimeter.testsupport.TemplateResources;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;

/**
 * Creates, in a local AWS (moto), the resources the functions use, from template.yaml's own
 * definitions and under {@link LocalNames}: the key table, the ingest ledger, the edge log group
 * and the KMS key with its alias (which is what {@code KMS_KEY_ID} resolves to locally).
 */
public final class LocalResources {
  private LocalResources() {
  }

  /** Creates every resource; returns the KMS key id behind {@link LocalNames#keyAlias()}. */
  public static String create(SamTemplate template, AwsClients clients) {
    TemplateResources resources = new TemplateResources(template, clients);
    resources.createTable("KeyTable", LocalNames.tableName("KeyTable"));
    resources.createTable("IngestLedgerTable", LocalNames.tableName("IngestLedgerTable"));
    resources.createLogGroup("EdgeLogGroup", LocalNames.edgeLogGroup());
    try (KmsClient kms = clients.kms()) {
      try {
        return kms.describeKey(r -> r.keyId(LocalNames.keyAlias())).keyMetadata().keyId();
      } catch (software.amazon.awssdk.services.kms.model.NotFoundException absent) {
        String keyId = resources.createKmsKey("KeyMaterialKey");
        try {
          kms.createAlias(r -> r.aliasName(LocalNames.keyAlias()).targetKeyId(keyId));
        } catch (AlreadyExistsException raced) {
          return kms.describeKey(r -> r.keyId(LocalNames.keyAlias())).keyMetadata().keyId();
        }
        return keyId;
      }
    }
  }
}
