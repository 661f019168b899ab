package dev.edgeperimeter.rotation.edge;

import java.util.List;
import java.util.Objects;

/**
 * Where the edge signing key lives in EdgeKV: {@code namespace/group/item} on each network
 * (written in list order, staging first by default).
 */
public record EdgeKvTarget(String namespace, String group, String item, List<String> networks) {
  public EdgeKvTarget {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(item, "item");
    networks = List.copyOf(networks);
  }

  /** The REST path of the item on {@code network}. */
  public String path(String network) {
    return "/edgekv/v1/networks/" + network + "/namespaces/" + namespace + "/groups/" + group + "/items/" + item;
  }
}
