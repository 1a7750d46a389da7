// Progressive enhancement for the sign-up and organisation forms; the forms work without it.
(function () {
  "use strict";

  // Show only the cities of the chosen province.
  document.querySelectorAll("[data-province-select]").forEach(function (province) {
    var form = province.form;
    var city = form && form.querySelector("[data-city-select]");
    if (!city) return;
    var groups = Array.prototype.slice.call(city.querySelectorAll("optgroup"));
    var names = {};
    Array.prototype.forEach.call(province.options, function (o) { names[o.value] = o.textContent.trim(); });
    function sync() {
      var chosen = names[province.value];
      groups.forEach(function (group) {
        var show = !chosen || group.label === chosen;
        group.hidden = !show;
        group.disabled = !show;
      });
      var selected = city.options[city.selectedIndex];
      if (selected && selected.parentNode.disabled) city.value = "";
    }
    province.addEventListener("change", sync);
    sync();
  });

  // On sign-up, show the organisation fields or the "join" field, as chosen.
  var modes = document.querySelectorAll('input[name$="mode"]');
  if (modes.length) {
    var panels = document.querySelectorAll("[data-mode-panel]");
    var syncMode = function () {
      var checked = document.querySelector('input[name$="mode"]:checked');
      var mode = checked ? checked.value : "create";
      panels.forEach(function (panel) { panel.hidden = panel.getAttribute("data-mode-panel") !== mode; });
    };
    modes.forEach(function (input) { input.addEventListener("change", syncMode); });
    syncMode();
  }
})();
