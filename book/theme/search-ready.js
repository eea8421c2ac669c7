// book/theme/search-ready.js — the search box takes input once search is ready.
//
// Runs in the reader's browser. Material 8.2.5 indexes the whole book in
// a worker on every page load (a second or more); a query typed in that
// time leaves its search saying "Initializing search" for good, about one
// time in three here. So the box stays read-only, saying why, until
// Material replaces its "initializing" message.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.querySelector("input.md-search__input");
  const meta = document.querySelector(".md-search-result__meta");
  if (!input || !meta) return;
  const initializing = meta.textContent;
  const placeholder = input.placeholder;
  const ready = () => {
    if (meta.textContent === initializing) return false;
    input.readOnly = false;
    input.placeholder = placeholder;
    return true;
  };
  if (ready()) return;
  input.readOnly = true;
  input.placeholder = "Search (indexing the book)";
  new MutationObserver((records, observer) => ready() && observer.disconnect())
    .observe(meta, {childList: true, characterData: true, subtree: true});
});
