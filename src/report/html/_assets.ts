/**
 * The page's only style sheet and script, inlined. Neither contains anything from a
 * log: the script reads the table it enhances from the DOM, so no data is ever
 * serialised into <script> (where `</script>` in a log line would end it).
 *
 * Without the script the page is complete: every row of every table is shown (rows past
 * the first page are written already paged out, so the browser lays out one page before
 * the script runs, and a <noscript> style shows them), the filter box stays hidden, chart
 * links still jump to their rows.
 */

/** Shows the rows written paged out when the script cannot run. */
export const NOSCRIPT_CSS = 'tr.pg-out{display:table-row}';

export const PAGE_CSS = `
:root{--fg:#0f172a;--muted:#475569;--line:#e2e8f0;--bg:#f8fafc;--card:#fff;--accent:#2563eb;
--critical:#b91c1c;--high:#ea580c;--medium:#ca8a04;--low:#64748b}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:1120px;margin:0 auto;padding:0 24px}
header{padding-top:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:32px 0 12px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:0 0 8px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
.sub{color:var(--muted);margin:0 0 16px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 16px}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.tile .v{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.tile .k{color:var(--muted);font-size:12px}
.tile .prios{display:flex;gap:10px;flex-wrap:wrap;margin-top:6px}.tile .prios span{font-variant-numeric:tabular-nums;font-weight:600}
.prio{display:inline-block;border-radius:999px;padding:0 8px;font-size:11px;font-weight:600;color:#fff;text-transform:uppercase;letter-spacing:.03em}
.prio-critical{background:var(--critical)}.prio-high{background:var(--high)}.prio-medium{background:var(--medium)}.prio-low{background:var(--low)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}
figure.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px;break-inside:avoid}
figure.chart figcaption{font-weight:600;margin-bottom:6px}
figure.chart svg{width:100%;height:auto}
figure.chart svg a:hover rect{opacity:.8}
.empty{color:var(--muted);font-style:italic}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--low);border-radius:8px;padding:12px 14px;break-inside:avoid}
.card.p-critical{border-left-color:var(--critical)}.card.p-high{border-left-color:var(--high)}.card.p-medium{border-left-color:var(--medium)}
.card h3{overflow-wrap:anywhere}
.card p{margin:6px 0}
.card .roi{display:flex;gap:14px;flex-wrap:wrap;color:var(--muted);font-size:12px}
.card .roi b{color:var(--fg);font-variant-numeric:tabular-nums}
.card ul{margin:6px 0 0;padding-left:18px;font-size:12px;color:var(--muted)}
.note{color:var(--muted);font-size:12px;margin:6px 0}
.tablebar{display:flex;gap:12px;align-items:center;margin:6px 0}
.tablebar input{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;min-width:260px}
.tablewrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td{overflow-wrap:anywhere}
td.nowrap{white-space:nowrap;overflow-wrap:normal}
td.wide{min-width:220px}
.ev{font-size:11px;line-height:1.35;margin-bottom:2px}.ev span{white-space:nowrap}
td.evidence{min-width:240px}
th{background:#f1f5f9;position:sticky;top:0;white-space:nowrap}
th button{all:unset;cursor:pointer}th button::after{content:" \\2195";color:#94a3b8}
th[aria-sort=ascending] button::after{content:" \\2191";color:var(--fg)}th[aria-sort=descending] button::after{content:" \\2193";color:var(--fg)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr:target td{background:#fef9c3}
tr.pg-out,tr.flt-out{display:none}
.pager{display:flex;gap:8px;align-items:center;margin:6px 0}
.pager button{font:inherit;padding:2px 10px;border:1px solid var(--line);border-radius:6px;background:var(--card);cursor:pointer}
details summary{cursor:pointer;color:var(--accent)}
footer{max-width:1120px;margin:32px auto;padding:0 24px;color:var(--muted);font-size:12px}
@media print{
 body{background:#fff;font-size:11px}
 header,main,footer{max-width:none;padding:0}
 .tablebar,.pager{display:none!important}
 tr.pg-out{display:table-row}
 th{position:static}
 .charts{grid-template-columns:1fr 1fr}
 h2{break-after:avoid}
 a{color:inherit;text-decoration:none}
}
`;

/**
 * Sorting (click a column head), filtering (the search box) and paging (PAGE_ROWS rows)
 * of every <table data-enhance>. Cells sort by their data-sort value when they have one
 * (numbers), else by text. A link to a row (#finding-3) shows that row's page.
 */
export const PAGE_ROWS = 50;

export const PAGE_SCRIPT = `
(function(){
var PAGE_ROWS=${PAGE_ROWS};
function rowsOf(t){return Array.prototype.slice.call(t.tBodies[0].rows);}
function key(r,c){var td=r.cells[c];if(!td)return '';var s=td.getAttribute('data-sort');return s===null?td.textContent.toLowerCase():Number(s);}
function enhance(t){
 var st={page:0,col:-1,dir:1};
 var bar=document.getElementById(t.id+'-bar'),input=bar&&bar.querySelector('input'),info=bar&&bar.querySelector('.count');
 var pager=document.getElementById(t.id+'-pager');
 if(bar)bar.hidden=false;
 function visible(){return rowsOf(t).filter(function(r){return !r.classList.contains('flt-out');});}
 function paint(){
  var v=visible(),pages=Math.max(1,Math.ceil(v.length/PAGE_ROWS));
  if(st.page>=pages)st.page=pages-1;
  rowsOf(t).forEach(function(r){if(r.classList.contains('flt-out'))r.classList.remove('pg-out');});
  v.forEach(function(r,i){r.classList.toggle('pg-out',Math.floor(i/PAGE_ROWS)!==st.page);});
  if(info)info.textContent=v.length.toLocaleString('en-US')+' of '+rowsOf(t).length.toLocaleString('en-US')+' rows';
  if(pager){pager.hidden=pages<2;pager.querySelector('.pg').textContent='page '+(st.page+1)+' of '+pages;}
 }
 Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,c){
  var b=th.querySelector('button');if(!b)return;
  b.addEventListener('click',function(){
   st.dir=st.col===c?-st.dir:(th.classList.contains('num')?-1:1);st.col=c;
   Array.prototype.forEach.call(t.tHead.rows[0].cells,function(h){h.removeAttribute('aria-sort');});
   th.setAttribute('aria-sort',st.dir>0?'ascending':'descending');
   var rs=rowsOf(t).map(function(r,i){return [key(r,c),i,r];});
   rs.sort(function(a,b){return a[0]<b[0]?-st.dir:a[0]>b[0]?st.dir:a[1]-b[1];});
   var tb=t.tBodies[0];rs.forEach(function(x){tb.appendChild(x[2]);});
   st.page=0;paint();
  });
 });
 if(input)input.addEventListener('input',function(){
  var q=input.value.trim().toLowerCase();
  rowsOf(t).forEach(function(r){r.classList.toggle('flt-out',q!==''&&r.textContent.toLowerCase().indexOf(q)<0);});
  st.page=0;paint();
 });
 if(pager){
  pager.querySelector('.prev').addEventListener('click',function(){if(st.page>0){st.page--;paint();}});
  pager.querySelector('.next').addEventListener('click',function(){st.page++;paint();});
 }
 t.showRow=function(r){
  if(r.classList.contains('flt-out')&&input){input.value='';rowsOf(t).forEach(function(x){x.classList.remove('flt-out');});}
  st.page=Math.floor(visible().indexOf(r)/PAGE_ROWS);paint();
 };
 paint();
}
var tables=document.querySelectorAll('table[data-enhance]');
Array.prototype.forEach.call(tables,enhance);
function reveal(){
 var id=decodeURIComponent(location.hash.slice(1));if(!id)return;
 var r=document.getElementById(id);if(!r||r.tagName!=='TR')return;
 var t=r.closest('table');if(t&&t.showRow){t.showRow(r);r.scrollIntoView({block:'center'});}
}
window.addEventListener('hashchange',reveal);reveal();
})();
`;
