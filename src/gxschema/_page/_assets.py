"""The style sheets and scripts every page carries inline: no network, no library, no font.

Markers never rely on colour alone: a failing cell is hatched and marked ``✘``, an
undecided one dotted and marked ``?``, a warned one marked ``△``, an inferred one
underlined and marked ``※``, a fixed one framed, marked ``✎`` and written ``old → new``.
The print sheet lays the page out on A4, in the language shown, with the markers.
"""

from __future__ import annotations

__all__ = ["BASE_CSS", "INDEX_CSS", "INDEX_JS", "PAGE_CSS", "PAGE_JS"]

BASE_CSS = """
:root{--fail:#b00020;--unc:#8a5a00;--ok:#1b6e20;--fix:#0b5394;--mute:#555}
*{box-sizing:border-box}
body{margin:0;color:#111;background:#fff;font:14px/1.5 system-ui,-apple-system,"Segoe UI",
"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif}
html.en .gz,html:not(.en) .ge{display:none}
.gx-wrap{max-width:1180px;margin:0 auto;padding:12px 20px 40px}
.gx-bar{display:flex;justify-content:space-between;align-items:center;gap:1em;
border-bottom:1px solid #ccc;padding-bottom:6px;color:var(--mute);font-size:13px}
.gx-lang button{font:inherit;border:1px solid #888;background:#fff;padding:2px 10px;cursor:pointer}
.gx-lang button[aria-pressed=true]{background:#222;color:#fff}
h1{font-size:22px;margin:14px 0 6px}
h2{font-size:17px;margin:22px 0 6px;border-bottom:2px solid #222;padding-bottom:2px}
h3{font-size:15px;margin:14px 0 4px}
.gx-v{display:inline-block;font-weight:bold;padding:2px 10px;border:2px solid;border-radius:3px}
.gx-v-ok{color:var(--ok)}.gx-v-failed,.gx-v-unreadable{color:var(--fail)}
.gx-v-incomplete{color:var(--unc)}
a{color:#0b5394}
code,.gx-mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}
.gx-mute{color:var(--mute)}
:focus-visible{outline:3px solid #1a73e8;outline-offset:1px}
"""

PAGE_CSS = """
.gx-verdict{font-size:16px;margin:6px 0}
.gx-meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}
.gx-meta dt{color:var(--mute)}.gx-meta dd{margin:0}
ul.gx-list{padding-left:0;list-style:none;margin:4px 0}
ul.gx-list li{margin:4px 0;padding:4px 8px;border-left:4px solid #bbb}
li.gx-f-error.gx-f-fail{border-left:4px solid var(--fail)}
li.gx-f-error.gx-f-uncertain{border-left:4px dotted var(--unc)}
li.gx-f-warning{border-left:4px dashed #777}
.gx-id{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:bold;margin-right:.4em}
.gx-tag{font-size:12px;border:1px solid #999;border-radius:2px;padding:0 4px;margin-right:.4em}
blockquote{margin:4px 0 2px;padding:2px 8px;border-left:3px solid #ccc;color:#333}
mark{background:#fff3b0;outline:1px solid #d9b800}
button.gx-ref{font:inherit;font-size:12px;border:1px solid #888;background:#f6f6f6;
margin:2px 2px 0 0;padding:0 5px;cursor:pointer}
table.gx-t{border-collapse:collapse;margin:6px 0 16px;font-size:13px}
.gx-t th,.gx-t td{border:1px solid #777;padding:2px 6px;vertical-align:middle}
.gx-t th{font-weight:normal;text-align:left;background:#f4f4f4}
.gx-t th.gx-col,.gx-t th.gx-corner,.gx-t th.gx-cap{text-align:center}
.gx-t th.gx-cap{font-weight:bold;background:#e8e8e8}
.gx-t td{text-align:right;font-variant-numeric:tabular-nums;min-width:3em;cursor:pointer;
white-space:nowrap}
:is(.gx-t td.gx-fail,.gx-legend td.lg-fail){
background:repeating-linear-gradient(135deg,#fde2e2 0 5px,#f6c4c4 5px 7px)}
:is(.gx-t td.gx-fail,.gx-legend td.lg-fail)::before{
content:"✘ ";color:var(--fail);font-weight:bold}
:is(.gx-t td.gx-uncertain,.gx-legend td.lg-uncertain){
outline:2px dotted var(--unc);outline-offset:-3px;background:#fff7dc}
:is(.gx-t td.gx-uncertain,.gx-legend td.lg-uncertain):not(.gx-fail)::before{
content:"? ";color:var(--unc);font-weight:bold}
:is(.gx-t td.gx-warn,.gx-legend td.lg-warn)::after{content:" △";color:#6a4b00}
:is(.gx-t td.gx-inferred,.gx-legend td.lg-inferred){text-decoration:underline dashed #3949ab}
:is(.gx-t td.gx-inferred,.gx-legend td.lg-inferred)::after{content:" ※";color:#3949ab}
:is(.gx-t td.gx-fix,.gx-legend td.lg-fix){box-shadow:inset 0 0 0 3px var(--fix)}
:is(.gx-t td.gx-fix,.gx-legend td.lg-fix) .gx-old{text-decoration:line-through}
:is(.gx-t td.gx-fix,.gx-legend td.lg-fix) .gx-new{font-weight:bold;color:var(--fix)}
:is(.gx-t td.gx-fix,.gx-legend td.lg-fix) .gx-new::after{content:" ✎"}
.gx-t td.gx-missing{color:var(--mute);background:#f0f0f0}
.gx-t td.gx-rel{outline:3px solid #1a73e8;outline-offset:-3px}
.gx-t td.gx-sel{outline:3px solid #000;outline-offset:-3px}
.gx-missing-table{border:2px dashed var(--unc);padding:4px 8px;margin:6px 0}
.gx-legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:13px;margin:6px 0}
.gx-legend .gx-t{margin:0}.gx-legend td{cursor:default}
#gx-detail{position:fixed;right:12px;bottom:12px;width:380px;max-width:calc(100vw - 24px);
max-height:60vh;overflow:auto;background:#fff;border:2px solid #222;padding:8px 12px;
box-shadow:0 4px 16px rgba(0,0,0,.25);font-size:13px}
#gx-detail[hidden]{display:none}
@media (min-width:1400px){body.gx-open{padding-right:400px}
#gx-detail{top:12px;max-height:none}}
#gx-detail h3{margin:0 0 4px}
#gx-detail .gx-close{float:right;font:inherit;border:1px solid #888;background:#fff;cursor:pointer}
#gx-detail dl{display:grid;grid-template-columns:max-content 1fr;gap:0 10px;margin:4px 0}
#gx-detail dt{color:var(--mute)}#gx-detail dd{margin:0}
#gx-detail .gx-one{border-top:1px solid #ccc;margin-top:6px;padding-top:4px}
footer{margin-top:28px;border-top:1px solid #ccc;padding-top:6px;font-size:12px;color:#333}
footer dl{display:grid;grid-template-columns:max-content 1fr;gap:0 12px}
footer dd{margin:0;word-break:break-all}
footer table{border-collapse:collapse}footer td,footer th{border:1px solid #ccc;padding:1px 6px;
text-align:left;vertical-align:top}
@media print{
@page{size:A4;margin:12mm 10mm}
body{font-size:10.5pt}
.gx-wrap{max-width:none;padding:0}
.gx-lang,#gx-detail,button.gx-ref{display:none!important}
.gx-t td.gx-rel,.gx-t td.gx-sel{outline:none}
body.gx-open{padding-right:0}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
table.gx-t{font-size:8.5pt;page-break-inside:auto}
.gx-t tr{page-break-inside:avoid}
h2{page-break-after:avoid}
a{color:inherit;text-decoration:none}
}
"""

PAGE_JS = r"""
(function(){
var D=JSON.parse(document.getElementById('gx-data').textContent);
var H=document.documentElement,P=document.getElementById('gx-detail');
var W={zh:{sev:{error:'错误',warning:'警告'},st:{fail:'不成立',uncertain:'无法判断'},
l:'左边',r:'右边',d:'差',o:'容差',p:'原文',n:'建议',none:'这个单元格不涉及任何发现',
blank:'空白',miss:'缺失',cells:'涉及的单元格',ev:'原句',close:'关闭',fix:'建议更正'},
en:{sev:{error:'error',warning:'warning'},st:{fail:'fails',uncertain:'undecided'},
l:'left side',r:'right side',d:'difference',o:'tolerance',p:'printed',n:'proposed',
none:'no finding involves this cell',blank:'blank',miss:'missing',cells:'cells involved',
ev:'sentence',close:'close',fix:'suggested fix'}};
var cur=null,by={},tds={};
D.f.forEach(function(f,i){f.c.forEach(function(k){(by[k]=by[k]||[]).push(i)})});
Array.prototype.forEach.call(document.querySelectorAll('td[data-table]'),function(td){
tds[key(td)]=td});
function key(td){return td.dataset.table+'|'+td.dataset.line+'|'+td.dataset.column}
function lang(){return H.classList.contains('en')?'en':'zh'}
function el(tag,text,cls){var e=document.createElement(tag);if(text!=null)e.textContent=text;
if(cls)e.className=cls;return e}
function label(k){var p=k.split('|'),t=D.t[p[0]]||{};
return (t.n||p[0])+' · '+((t.l||{})[p[1]]||p[1])+' · '+((t.c||{})[p[2]]||p[2])}
function setLang(l){H.classList.toggle('en',l==='en');H.lang=l==='en'?'en':'zh-CN';
Array.prototype.forEach.call(document.querySelectorAll('[data-set-lang]'),function(b){
b.setAttribute('aria-pressed',String(b.dataset.setLang===l))});
try{localStorage.setItem('gx-lang',l)}catch(e){}
if(cur)show(cur)}
function raw(t){var w=W[lang()];return t.hasAttribute('data-raw')?
(t.dataset.raw.trim()||w.blank):w.miss}
function pair(dl,a,b){dl.appendChild(el('dt',a));dl.appendChild(el('dd',b))}
function show(td){
var w=W[lang()],k=key(td),own=by[k]||[];
Array.prototype.forEach.call(document.querySelectorAll('.gx-rel,.gx-sel'),function(e){
e.classList.remove('gx-rel');e.classList.remove('gx-sel')});
td.classList.add('gx-sel');cur=td;P.textContent='';
var c=el('button',w.close,'gx-close');c.type='button';
c.onclick=hide;P.appendChild(c);
P.appendChild(el('h3',label(k)));
var dl=el('dl');
pair(dl,w.p,raw(td));
var x=D.x[k];if(x)pair(dl,w.fix,(x[0]==null?w.miss:x[0]||w.blank)+' → '+x[1]);
P.appendChild(dl);
if(!own.length)P.appendChild(el('p',w.none,'gx-mute'));
own.forEach(function(i){var f=D.f[i],d=el('div',null,'gx-one');
var h=el('div');h.appendChild(el('span',f.i,'gx-id'));
h.appendChild(el('span',w.sev[f.s]+' · '+w.st[f.u],'gx-tag'));d.appendChild(h);
d.appendChild(el('p',lang()==='en'?f.e:f.z));
var q=el('dl');
if(f.l!=null){pair(q,w.l,f.l);pair(q,w.r,f.r);pair(q,w.d,f.d);if(f.o&&f.o!=='0')pair(q,w.o,f.o)}
if(f.v)pair(q,w.ev,f.v);
if(q.childNodes.length)d.appendChild(q);
if(f.c.length>1){var r=el('div');r.appendChild(el('span',w.cells+': ','gx-mute'));
f.c.forEach(function(o){var t=tds[o];if(t&&t!==td)t.classList.add('gx-rel');
var b=el('button',label(o).split(' · ').slice(1).join(' · ')+
(t?' = '+raw(t):''),'gx-ref');
b.type='button';b.dataset.cell=o;r.appendChild(b)});d.appendChild(r)}
P.appendChild(d)});
P.hidden=false;document.body.classList.add('gx-open')}
function hide(){P.hidden=true;document.body.classList.remove('gx-open');
if(cur)cur.classList.remove('gx-sel');cur=null}
function go(k){var t=tds[k];if(!t)return;t.scrollIntoView({block:'center'});t.focus();show(t)}
document.addEventListener('click',function(e){
var b=e.target.closest('[data-set-lang]');if(b){setLang(b.dataset.setLang);return}
var r=e.target.closest('[data-cell]');if(r){go(r.dataset.cell);return}
var td=e.target.closest('td[data-table]');if(td)show(td)});
document.addEventListener('focusin',function(e){
var td=e.target.closest&&e.target.closest('td[data-table]');if(td&&td!==cur)show(td)});
document.addEventListener('keydown',function(e){if(e.key==='Escape'&&!P.hidden)hide()});
var saved=null;try{saved=localStorage.getItem('gx-lang')}catch(e){}
setLang(saved||H.dataset.lang||'zh');
})();
"""

INDEX_CSS = """
.gx-tools{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:10px 0}
.gx-tools input,.gx-tools select,.gx-tools button{font:inherit;padding:2px 6px}
table.gx-ix{border-collapse:collapse;width:100%;font-size:13px}
.gx-ix th,.gx-ix td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}
.gx-ix th button{font:inherit;font-weight:bold;border:0;background:none;cursor:pointer;padding:0}
.gx-ix th[aria-sort=ascending] button::after{content:" ▲"}
.gx-ix th[aria-sort=descending] button::after{content:" ▼"}
.gx-ix td.n,.gx-ix th.n{text-align:right;font-variant-numeric:tabular-nums}
.gx-charts{display:flex;flex-wrap:wrap;gap:18px}
.gx-charts figure{margin:0;border:1px solid #ddd;padding:6px 8px;max-width:100%}
.gx-charts figcaption{font-weight:bold;font-size:13px}
.gx-charts svg{display:block;max-width:100%;height:auto;font-size:11px}
.gx-pager{display:flex;gap:8px;align-items:center;margin:8px 0}
@media print{.gx-tools,.gx-pager,.gx-lang{display:none!important}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""

INDEX_JS = r"""
(function(){
var D=JSON.parse(document.getElementById('gx-rows').textContent);
var H=document.documentElement,R=D.rows,C=D.cols,PER=100;
var S={k:-1,dir:1,q:'',v:'',y:'',t:'',p:0},shown=R;
var $=function(id){return document.getElementById(id)};
var V={ok:['✔','通过','ok'],failed:['✘','未通过','failed'],incomplete:['◐','不完整',
'incomplete'],unreadable:['⊘','无法读取','unreadable']};
function lang(){return H.classList.contains('en')?'en':'zh'}
function esc(s){return String(s==null?'':s).replace(/[&<>"]/g,function(c){
return{'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]})}
function filt(){var q=S.q.toLowerCase();shown=R.filter(function(r){
return(!S.v||r[C.verdict]===S.v)&&(!S.y||String(r[C.year])===S.y)&&
(!S.t||r[C.template]===S.t)&&(!q||(r[C.file]+' '+(r[C.agency]||'')).toLowerCase()
.indexOf(q)>=0)});
if(S.k>=0){var k=S.k,d=S.dir;shown=shown.slice().sort(function(a,b){var x=a[k],y=b[k];
if(x==null&&y==null)return 0;if(x==null)return 1;if(y==null)return-1;
return(x<y?-1:x>y?1:0)*d})}}
function draw(){var n=shown.length,pages=Math.max(1,Math.ceil(n/PER));
if(S.p>=pages)S.p=pages-1;var a=S.p*PER,out=[],l=lang()==='en'?2:1;
for(var i=a;i<Math.min(n,a+PER);i++){var r=shown[i],v=V[r[C.verdict]];
out.push('<tr><td><a href="'+esc(r[C.href])+'">'+esc(r[C.file])+'</a></td><td>'+
'<span class="gx-v-'+r[C.verdict]+'">'+v[0]+' '+v[l]+'</span></td><td>'+esc(r[C.agency])+
'</td><td class="n">'+esc(r[C.year])+'</td><td>'+esc(r[C.template])+'</td><td class="n">'+
r[C.errors]+'</td><td class="n">'+r[C.warnings]+'</td></tr>')}
$('gx-body').innerHTML=out.join('');
$('gx-count').textContent=String(n);$('gx-page').textContent=(S.p+1)+' / '+pages;
$('gx-prev').disabled=S.p<=0;$('gx-next').disabled=S.p>=pages-1}
function all(){filt();draw()}
Array.prototype.forEach.call(document.querySelectorAll('th[data-k]'),function(th){
th.querySelector('button').addEventListener('click',function(){var k=+th.dataset.k;
if(S.k===k)S.dir=-S.dir;else{S.k=k;S.dir=1}
Array.prototype.forEach.call(document.querySelectorAll('th[data-k]'),function(o){
o.setAttribute('aria-sort',o===th?(S.dir>0?'ascending':'descending'):'none')});
S.p=0;all()})});
$('gx-q').addEventListener('input',function(e){S.q=e.target.value;S.p=0;all()});
$('gx-fv').addEventListener('change',function(e){S.v=e.target.value;S.p=0;all()});
$('gx-fy').addEventListener('change',function(e){S.y=e.target.value;S.p=0;all()});
$('gx-ft').addEventListener('change',function(e){S.t=e.target.value;S.p=0;all()});
$('gx-prev').addEventListener('click',function(){S.p--;draw()});
$('gx-next').addEventListener('click',function(){S.p++;draw()});
function setLang(l){H.classList.toggle('en',l==='en');H.lang=l==='en'?'en':'zh-CN';
Array.prototype.forEach.call(document.querySelectorAll('[data-set-lang]'),function(b){
b.setAttribute('aria-pressed',String(b.dataset.setLang===l))});
try{localStorage.setItem('gx-lang',l)}catch(e){}draw()}
document.addEventListener('click',function(e){var b=e.target.closest('[data-set-lang]');
if(b)setLang(b.dataset.setLang)});
var saved=null;try{saved=localStorage.getItem('gx-lang')}catch(e){}
filt();setLang(saved||H.dataset.lang||'zh');
})();
"""
