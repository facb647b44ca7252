/* A click anywhere on a folded block's title opens or closes it.
 *
 * sphinx-togglebutton 0.4.5 listens on the title but finds its button only when the click
 * lands on the title box itself or on the chevron. A solution's title is mostly a link to
 * its exercise ("Solution to Exercise 1 (...)"): a click there jumped to the exercise and
 * threw "ReferenceError: button is not defined". Here such a click is caught before the
 * link and replayed on the title box, which the theme's own handler understands.
 * Checked by tests/browser/test_reading.py. */
document.addEventListener("click", (event) => {
  const title = event.target.closest(".toggle > .admonition-title");
  if (!title || event.target === title || event.target.closest(".toggle-button")) {
    return;
  }
  event.preventDefault();  // not the link's jump: the title opens the solution
  event.stopPropagation();
  title.click();
}, true);
