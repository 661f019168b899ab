package dev.edgeperimeter.authorizer.steps;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static dev.edgeperimeter.authorizer.support.Cores.decide;
import static dev.edgeperimeter.authorizer.support.Cores.signed;

import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.Minter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Step 5: htm and htu equal the request's method and path, byte for byte")
class BindingStep5Test {
  private final AuthorizerCore core = Cores.edge();

  private String bound(String htm, String htu) {
    return signed(Minter.claims(htm, htu));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"GET,/orders/42", "POST,/orders", "DELETE,/orders/42", "GET,/", "GET,/orders//42/./x/../y",
      "GET,/files/a%2Fb", "GET,/orders/caf%C3%A9"})
  void exactMatchIsAccepted(String method, String path) {
    assertAllowed(decide(core, method, path, bound(method, path), null));
  }

  @ParameterizedTest(name = "signed {0}, sent {1}")
  @CsvSource({"GET,DELETE", "get,GET", "Get,GET", "GET,get", "PUT,POST", "GET,HEAD"})
  void methodMismatch(String signed, String sent) {
    assertRejected(decide(core, sent, "/orders/42", bound(signed, "/orders/42"), null), Reason.METHOD_MISMATCH);
  }

  @ParameterizedTest(name = "signed {0}, sent {1}")
  @CsvSource({
      "/orders/42,/orders/420",
      "/orders/42/,/orders/42",
      "/orders/42,/orders/42/",
      "/Orders/42,/orders/42",
      "%2Forders%2F42,/orders/42",
      "/orders%2F42,/orders/42",
      "/files/a%2Fb,/files/a/b",
      "/orders/x/../42,/orders/42",
      "/orders/../admin,/admin",
      "//orders/42,/orders/42",
      "/orders//42,/orders/42",
      "/orders/42?x=1,/orders/42",
      "/orders/42#f,/orders/42",
      "/orders/caf%c3%a9,/orders/caf%C3%A9",
      "/orders/café,/orders/caf%C3%A9",
      "/orders/./42,/orders/42"})
  void pathMismatchWithoutNormalisation(String signed, String sent) {
    assertRejected(decide(core, "GET", sent, bound("GET", signed), null), Reason.PATH_MISMATCH);
  }

  @Test
  void methodIsCheckedBeforePath() {
    assertRejected(decide(core, "POST", "/other", bound("GET", "/orders/42"), null), Reason.METHOD_MISMATCH);
  }
}
