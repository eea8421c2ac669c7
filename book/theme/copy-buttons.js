// book/theme/copy-buttons.js — a copy button on every code block, long ones too.
//
// Runs in the reader's browser. Material 8.2.5 adds a block's copy button
// only once the whole block has been on screen (an IntersectionObserver
// with threshold 1), so a block taller than the window never gets one.
// This gives every block its button at load, in Material's own markup:
// Material's clipboard handler serves any [data-clipboard-target] button
// and says "Copied to clipboard". The target is the <code> element, whose
// id Material leaves alone; when Material adds its own button later,
// style.css hides it (the second button of a block).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".md-content pre > code").forEach((code, i) => {
    if (code.parentElement.querySelector(".md-clipboard")) return;
    code.id = code.id || "book-code-" + (i + 1);
    const button = document.createElement("button");
    button.className = "md-clipboard md-icon";
    button.title = "Copy to clipboard";
    button.setAttribute("data-clipboard-target", "#" + code.id);
    code.parentElement.insertBefore(button, code);
  });
});
