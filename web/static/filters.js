// A filter chosen on the search and browse pages applies at once; without JavaScript the form's button does.
document.querySelectorAll("form.search .filters select").forEach((select) => {
  select.addEventListener("change", () => select.form.requestSubmit());
});
