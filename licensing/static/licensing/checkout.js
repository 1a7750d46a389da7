// Paying through Stripe on the payment page: a card, Alipay or WeChat Pay, each confirming the payment's intent.
// Whatever happens here, the page the payer lands on afterwards (the return page) asks the server, which asks
// Stripe: nothing here decides that a payment is paid.
(function () {
  "use strict";
  var root = document.getElementById("stripe-checkout");
  if (!root || typeof Stripe === "undefined") return;
  var data = root.dataset;
  var text = JSON.parse(document.getElementById("stripe-messages").textContent);
  var status = document.getElementById("stripe-status");
  var stripe = Stripe(data.publishableKey);

  function say(message) { status.textContent = message || text.failed; }
  function busy(form, on) {
    form.querySelector("button[type=submit]").disabled = on;
    if (on) say(text.paying);
  }
  function backHere() { window.location.assign(data.returnUrl); }
  function failed(form) {
    return function (error) { busy(form, false); say(error && error.message); };
  }
  function onSubmit(form, pay) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      busy(form, true);
      pay(form);
    });
  }

  // A saved card charged with the payer absent, whose bank wants them to authenticate: Stripe.js (and
  // localstripe's stand-in) finishes 3-D Secure on the intent as it is.
  var authenticate = document.getElementById("pay-authenticate");
  if (authenticate) {
    onSubmit(authenticate, function (form) {
      stripe.confirmCardPayment(data.clientSecret).then(function (result) {
        if (result.error) return failed(form)(result.error);
        backHere();
      });
    });
  }

  var card = document.getElementById("pay-card");
  if (card && data.mode === "payment-element") {
    // Stripe itself: the Payment Element collects the card, Stripe.js confirms the intent (3-D Secure included)
    // and goes to the return page; it comes back here only with an error.
    var elements = stripe.elements({ clientSecret: data.clientSecret });
    elements.create("payment", { paymentMethodOrder: ["card"] }).mount("#card-element");
    onSubmit(card, function (form) {
      stripe.confirmPayment({ elements: elements, confirmParams: { return_url: data.returnUrl } })
        .then(function (result) { failed(form)(result.error); });
    });
  } else if (card) {
    // A local Stripe-compatible server (localstripe, in the tests) serves a Stripe.js stand-in that has only the
    // card element, createToken and confirmCardPayment, the last for 3-D Secure alone: no Payment Element and no
    // confirmPayment. The card becomes a token there, the site's server confirms it on the intent, and a card that
    // asks for 3-D Secure is finished by confirmCardPayment.
    var element = stripe.elements().create("card");
    element.mount("#card-element");
    onSubmit(card, function (form) {
      stripe.createToken(element)
        .then(function (result) {
          if (result.error) throw result.error;
          var body = new URLSearchParams({ payment_method: result.token.card.id });
          return fetch(data.confirmUrl, {
            method: "POST",
            body: body,
            credentials: "same-origin",
            headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
          });
        })
        .then(function (response) {
          return response.json().then(function (answer) {
            if (!response.ok) throw new Error(answer.error);
            return answer;
          });
        })
        .then(function (answer) {
          if (answer.status !== "requires_action") return null;
          return stripe.confirmCardPayment(data.clientSecret).then(function (result) {
            if (result.error) throw result.error;
          });
        })
        .then(backHere, failed(form));
    });
  }

  // Alipay: Stripe.js sends the payer to Alipay, which sends them back to the return page.
  // WeChat Pay: Stripe.js shows the QR code to scan and resolves once the payer has paid or closed it.
  // localstripe's stand-in has neither confirmAlipayPayment nor confirmWechatPayPayment: there the page says the
  // method cannot be used, and the tests check the server's side through the intent's state.
  var alipay = document.getElementById("pay-alipay");
  if (alipay) {
    onSubmit(alipay, function (form) {
      if (typeof stripe.confirmAlipayPayment !== "function") return failed(form)({ message: text.unavailable });
      stripe.confirmAlipayPayment(data.clientSecret, { return_url: data.returnUrl })
        .then(function (result) { failed(form)(result.error); });
    });
  }
  var wechat = document.getElementById("pay-wechat_pay");
  if (wechat) {
    onSubmit(wechat, function (form) {
      if (typeof stripe.confirmWechatPayPayment !== "function") return failed(form)({ message: text.unavailable });
      stripe.confirmWechatPayPayment(data.clientSecret, { payment_method_options: { wechat_pay: { client: "web" } } })
        .then(function (result) {
          if (result.error) return failed(form)(result.error);
          backHere();
        });
    });
  }
})();
