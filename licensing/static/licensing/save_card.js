// Saving a card for pay-later instalments: Stripe.js's card element and confirmCardSetup (which localstripe's
// stand-in also has, 3-D Secure included) confirm the SetupIntent; the page is then loaded again, and the server
// reads from Stripe whether the card was saved.
(function () {
  "use strict";
  var form = document.getElementById("save-card");
  if (!form || typeof Stripe === "undefined") return;
  var text = JSON.parse(document.getElementById("save-card-messages").textContent);
  var status = document.getElementById("save-card-status");
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#setup-card-element");
  var button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    status.textContent = text.saving;
    stripe.confirmCardSetup(form.dataset.clientSecret, { payment_method: { card: card } }).then(function (result) {
      if (result.error) {
        button.disabled = false;
        status.textContent = result.error.message || text.failed;
        return;
      }
      window.location.reload();
    });
  });
})();
