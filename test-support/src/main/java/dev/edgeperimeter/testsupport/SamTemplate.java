package dev.edgeperimeter.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * {@code template.yaml} read as data: the one source of truth for resource definitions, function
 * handlers and environments that the tests, the local-invoke command and the local stack use.
 *
 * <p>CloudFormation short-form tags ({@code !Ref}, {@code !Sub}, {@code !GetAtt}, ...) are read as
 * their long form ({@code {"Ref": ...}}, {@code {"Fn::Sub": ...}}); {@link #resolve} evaluates the
 * subset needed locally against parameter values and physical resource names.
 */
public final class SamTemplate {
  private final Path path;
  private final Map<String, Object> root;

  private SamTemplate(Path path, Map<String, Object> root) {
    this.path = path;
    this.root = root;
  }

  /** Finds {@code template.yaml} in the working directory or the nearest parent and reads it. */
  public static SamTemplate load() {
    return load(locate());
  }

  public static Path locate() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("template.yaml");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("template.yaml not found in " + Path.of("").toAbsolutePath() + " or its parents");
  }

  @SuppressWarnings("unchecked")
  public static SamTemplate load(Path path) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    Yaml yaml = new Yaml(new CfnConstructor(options));
    try (Reader reader = Files.newBufferedReader(path)) {
      return new SamTemplate(path, (Map<String, Object>) yaml.load(reader));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  public Path path() {
    return path;
  }

  public Map<String, Object> root() {
    return root;
  }

  public Map<String, Object> resources() {
    return map(root.get("Resources"));
  }

  public Map<String, Object> resource(String logicalId) {
    Map<String, Object> resource = map(resources().get(logicalId));
    if (resource.isEmpty()) {
      throw new IllegalArgumentException("no resource " + logicalId + " in " + path);
    }
    return resource;
  }

  public String type(String logicalId) {
    return (String) resource(logicalId).get("Type");
  }

  public Map<String, Object> properties(String logicalId) {
    return map(resource(logicalId).get("Properties"));
  }

  /** Logical ids of every resource of {@code type}, in template order. */
  public List<String> resourcesOfType(String type) {
    List<String> ids = new ArrayList<>();
    resources().forEach((id, r) -> {
      if (type.equals(map(r).get("Type"))) {
        ids.add(id);
      }
    });
    return ids;
  }

  /** Parameter defaults ({@code Parameters.X.Default}), as strings. */
  public Map<String, String> parameterDefaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    map(root.get("Parameters")).forEach((name, p) -> {
      Object d = map(p).get("Default");
      if (d != null) {
        defaults.put(name, String.valueOf(d));
      }
    });
    return defaults;
  }

  /** {@code Globals.Function}. */
  public Map<String, Object> functionGlobals() {
    return map(map(root.get("Globals")).get("Function"));
  }

  /** A function property, falling back to {@code Globals.Function}. */
  public Optional<Object> functionProperty(String logicalId, String property) {
    Object own = properties(logicalId).get(property);
    return Optional.ofNullable(own != null ? own : functionGlobals().get(property));
  }

  /**
   * The function's environment variables, {@code Globals} first then its own, resolved against
   * {@code context}.
   */
  public Map<String, String> functionEnvironment(String logicalId, Resolver context) {
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, Object> global = map(map(functionGlobals().get("Environment")).get("Variables"));
    Map<String, Object> own = map(map(properties(logicalId).get("Environment")).get("Variables"));
    global.forEach((k, v) -> env.put(k, context.resolve(v)));
    own.forEach((k, v) -> env.put(k, context.resolve(v)));
    return env;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  public static List<Object> list(Object value) {
    return value instanceof List<?> l ? (List<Object>) l : List.of();
  }

  /**
   * Evaluates intrinsic functions locally: {@code Ref} to parameters and resources, {@code Fn::Sub}
   * with {@code ${Name}} and pseudo parameters, {@code Fn::GetAtt} to names given, {@code Fn::If}
   * on conditions that are parameter equalities, {@code Fn::Join}, {@code Fn::Select}.
   */
  public final class Resolver {
    private final Map<String, String> parameters;
    private final Map<String, String> physicalNames;

    public Resolver(Map<String, String> parameterOverrides, Map<String, String> physicalNames) {
      this.parameters = new LinkedHashMap<>(parameterDefaults());
      this.parameters.putAll(parameterOverrides);
      this.parameters.putIfAbsent("AWS::Region", MotoServer.REGION.id());
      this.parameters.putIfAbsent("AWS::AccountId", "123456789012");
      this.parameters.putIfAbsent("AWS::StackName", "edge-perimeter-local");
      this.parameters.putIfAbsent("AWS::Partition", "aws");
      this.parameters.putIfAbsent("AWS::URLSuffix", "amazonaws.com");
      this.physicalNames = physicalNames;
    }

    public String resolve(Object value) {
      Object v = evaluate(value);
      if (v instanceof List<?> l) {
        return String.join(",", l.stream().map(String::valueOf).toList());
      }
      return v == null ? "" : String.valueOf(v);
    }

    public Object evaluate(Object value) {
      if (!(value instanceof Map<?, ?> m) || m.size() != 1) {
        if (value instanceof List<?> l) {
          return l.stream().map(this::evaluate).toList();
        }
        return value;
      }
      Map.Entry<?, ?> e = m.entrySet().iterator().next();
      String fn = String.valueOf(e.getKey());
      Object arg = e.getValue();
      return switch (fn) {
        case "Ref" -> refValue(String.valueOf(arg));
        case "Fn::Sub" -> sub(arg);
        case "Fn::GetAtt" -> getAtt(arg);
        case "Fn::If" -> {
          List<Object> a = list(arg);
          yield condition(String.valueOf(a.get(0))) ? evaluate(a.get(1)) : evaluate(a.get(2));
        }
        case "Fn::Join" -> {
          List<Object> a = list(arg);
          List<String> parts = list(evaluate(a.get(1))).stream().map(String::valueOf).toList();
          yield String.join(String.valueOf(a.get(0)), parts);
        }
        case "Fn::Select" -> {
          List<Object> a = list(arg);
          yield list(evaluate(a.get(1))).get(Integer.parseInt(String.valueOf(evaluate(a.get(0)))));
        }
        case "Fn::Split" -> {
          List<Object> a = list(arg);
          yield List.of(String.valueOf(evaluate(a.get(1))).split(Pattern.quote(String.valueOf(a.get(0))), -1));
        }
        default -> value;
      };
    }

    /** A {@code Ref}: a {@code CommaDelimitedList} parameter is a list, as in CloudFormation. */
    private Object refValue(String name) {
      String value = ref(name);
      Object type = map(map(root.get("Parameters")).get(name)).get("Type");
      if (value != null && ("CommaDelimitedList".equals(type) || String.valueOf(type).startsWith("List<"))) {
        return value.isEmpty() ? List.of() : List.of((Object[]) value.split(",", -1));
      }
      return value;
    }

    private String ref(String name) {
      if (parameters.containsKey(name)) {
        return parameters.get(name);
      }
      if (physicalNames.containsKey(name)) {
        return physicalNames.get(name);
      }
      if ("AWS::NoValue".equals(name)) {
        return null;
      }
      return name;
    }

    private String getAtt(Object arg) {
      String target = arg instanceof List<?> l ? l.get(0) + "." + l.get(1) : String.valueOf(arg);
      return physicalNames.getOrDefault(target, physicalNames.getOrDefault(target.split("\\.")[0], target));
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");

    private String sub(Object arg) {
      String template;
      Map<String, Object> vars = Map.of();
      if (arg instanceof List<?> l) {
        template = String.valueOf(l.get(0));
        vars = map(l.get(1));
      } else {
        template = String.valueOf(arg);
      }
      Matcher m = VARIABLE.matcher(template);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String name = m.group(1);
        String replacement;
        if (vars.containsKey(name)) {
          replacement = resolve(vars.get(name));
        } else if (name.contains(".")) {
          replacement = getAtt(name);
        } else {
          replacement = ref(name);
        }
        m.appendReplacement(out, Matcher.quoteReplacement(replacement == null ? "" : replacement));
      }
      m.appendTail(out);
      return out.toString();
    }

    private boolean condition(String name) {
      Object cond = map(root.get("Conditions")).get(name);
      return truth(cond);
    }

    private boolean truth(Object cond) {
      Map<String, Object> c = map(cond);
      if (c.containsKey("Fn::Equals")) {
        List<Object> a = list(c.get("Fn::Equals"));
        return String.valueOf(evaluate(a.get(0))).equals(String.valueOf(evaluate(a.get(1))));
      }
      if (c.containsKey("Fn::Not")) {
        return !truth(list(c.get("Fn::Not")).get(0));
      }
      if (c.containsKey("Fn::And")) {
        return list(c.get("Fn::And")).stream().allMatch(this::truth);
      }
      if (c.containsKey("Fn::Or")) {
        return list(c.get("Fn::Or")).stream().anyMatch(this::truth);
      }
      if (c.containsKey("Condition")) {
        return condition(String.valueOf(c.get("Condition")));
      }
      return false;
    }
  }

  public Resolver resolver(Map<String, String> parameterOverrides, Map<String, String> physicalNames) {
    return new Resolver(parameterOverrides, physicalNames);
  }

  /** Reads CloudFormation's short-form tags as long-form maps. */
  private static final class CfnConstructor extends SafeConstructor {
    CfnConstructor(LoaderOptions options) {
      super(options);
      this.yamlMultiConstructors.put("!", new AbstractConstruct() {
        @Override
        public Object construct(Node node) {
          String tag = node.getTag().getValue().substring(1);
          String fn = "Ref".equals(tag) || "Condition".equals(tag) ? tag : "Fn::" + tag;
          Object value;
          if (node instanceof ScalarNode scalar) {
            value = scalar.getValue();
            if ("Fn::GetAtt".equals(fn)) {
              String s = (String) value;
              int dot = s.indexOf('.');
              value = List.of(s.substring(0, dot), s.substring(dot + 1));
            }
          } else if (node instanceof SequenceNode seq) {
            value = constructSequence(seq);
          } else {
            value = constructMapping((MappingNode) node);
          }
          return Map.of(fn, value);
        }
      });
    }
  }
}
