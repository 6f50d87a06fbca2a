// Search as you type for the gene, and each citation's metadata as soon as it is known.
// The form works without this: the claim page shows the same after saving.
(function () {
  const form = document.getElementById("claim-form");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const gene = form.querySelector("input[name=gene]:not([disabled])");
  const options = document.getElementById("gene-options");
  async function searchGenes() {
    const q = gene.value.trim();
    if (!q) return;
    const answer = await fetch(form.dataset.geneSearch + "?q=" + encodeURIComponent(q));
    const found = (await answer.json()).genes;
    options.replaceChildren(...found.map((g) => new Option(g.name, g.symbol)));
  }
  if (gene) {
    gene.addEventListener("input", searchGenes);
    searchGenes();  // for what was typed before this deferred script ran
  }

  const box = form.querySelector("[name=citations]");
  const list = document.getElementById("citation-states");
  const button = document.getElementById("look-up");
  const typed = new Map();  // reference id -> the identifier as typed
  let rows = [];
  let timer = null;
  let polls = 0;

  function describe(c) {
    let text = c.identifier + ": ";
    if (c.title) {
      const source = [c.journal, c.year ? "(" + c.year + ")" : ""].filter(Boolean).join(" ");
      const parts = [c.authors, c.title, source];
      text += parts.filter(Boolean).map((part) => String(part).replace(/\.$/, "")).join(". ") + ".";
      if (c.state === "pending") text += " (refreshing)";
    } else {
      text += c.state_label;
    }
    if (c.error && c.state !== "fetched") text += ": " + c.error;
    if (c.retracted) text += " (RETRACTED)";
    return text;
  }

  function show() {
    list.replaceChildren(...rows.map((c) => {
      const item = document.createElement("li");
      item.className = "citation-state";
      item.dataset.state = c.state;
      item.textContent = describe(c);
      return item;
    }));
  }

  async function poll() {
    const pending = rows.filter((c) => c.state === "pending").map((c) => c.id);
    if (!pending.length || polls++ > 120) return;
    const answer = await fetch(form.dataset.citationState + "?ids=" + pending.join(","));
    const fresh = new Map((await answer.json()).citations.map((c) => [c.id, c]));
    rows = rows.map((c) => (fresh.has(c.id) ? { ...fresh.get(c.id), identifier: typed.get(c.id) } : c));
    show();
    timer = setTimeout(poll, 1000);
  }

  let last = null;
  async function lookUp() {
    if (box.value === last) return;  // the button's click follows the box's change event
    last = box.value;
    clearTimeout(timer);
    polls = 0;
    if (!box.value.trim()) { rows = []; show(); return; }
    const body = new URLSearchParams({ identifiers: box.value });
    const answer = await fetch(form.dataset.citationState, {
      method: "POST", body, headers: { "X-CSRFToken": csrf },
    });
    rows = (await answer.json()).citations;
    rows.forEach((c) => c.id && typed.set(c.id, c.identifier));
    show();
    poll();
  }

  button.hidden = false;
  button.addEventListener("click", lookUp);
  box.addEventListener("change", lookUp);
})();
