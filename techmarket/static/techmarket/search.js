// The search page works without this: it only applies a new order as soon as it is chosen.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  const button = select.form.querySelector("[data-autosubmit-button]");
  if (button) button.hidden = true;
  select.addEventListener("change", () => select.form.submit());
});
