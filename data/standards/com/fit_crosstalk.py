# Fits the crosstalk model of crosstalk.toml to the IEEE 802.3ck cable-assembly set
# (../shared/com/channels/ck_CA_19p75dB: mellitz_3ck_04_1119_CACR, 1 thru, 7 FEXT, 8 NEXT).
# Run with a Python that has numpy and scikit-rf 2.x:  python fit_crosstalk.py
# Prints x0 (dB at 1 GHz) and k (dB/decade) of the power sums over 0.05-26.5625 GHz.
import numpy as np, skrf as rf, glob, gzip, io, tempfile, os
base=os.path.join(os.path.dirname(os.path.abspath(__file__)),"../../../../shared/com/channels/ck_CA_19p75dB/")
def load(p):
    with gzip.open(p,'rb') as f: data=f.read()
    d=tempfile.mkdtemp(); q=os.path.join(d,os.path.basename(p)[:-3]); open(q,'wb').write(data)
    n=rf.Network(q)
    s=n.s
    # port order 1->2, 3->4; diff pairs (1,3) and (2,4): sdd21 = 0.5*(s21 - s23 - s41 + s43) with 0-based idx
    sdd21=0.5*(s[:,1,0]-s[:,1,2]-s[:,3,0]+s[:,3,2])
    return n.f, sdd21
f,th=load(base+"CA_19p75dB_thru.s4p.gz")
def ps(kind):
    tot=0
    for p in sorted(glob.glob(base+"CA_19p75dB_%s*.s4p.gz"%kind)):
        ff,x=load(p); assert np.allclose(ff,f); tot=tot+np.abs(x)**2
    return tot
nx=ps("next"); fx=ps("fext")
band=(f>=0.05e9)&(f<=26.5625e9)
lf=np.log10(f[band]/1e9)
for name,y in (("next_db",10*np.log10(nx[band])),("fext_over_thru_db",10*np.log10(fx[band]/np.abs(th[band])**2))):
    A=np.vstack([np.ones_like(lf),lf]).T
    c,res,_,_=np.linalg.lstsq(A,y,rcond=None)
    r=y-A@c
    print(name,"x0=%.3f dB k=%.3f dB/dec rms=%.2f dB max=%.2f"%(c[0],c[1],np.sqrt(np.mean(r**2)),np.max(np.abs(r))))
    for fq in (1,5,13.28,26.56):
        i=np.argmin(abs(f-fq*1e9)); print("   %.2f GHz meas %.2f fit %.2f"%(fq,10*np.log10((nx if name=='next_db' else fx/np.abs(th)**2)[i]),c[0]+c[1]*np.log10(fq)))
for fq in (40,50): i=np.argmin(abs(f-fq*1e9)); print(fq, 10*np.log10(nx[i]), 10*np.log10(fx[i]/abs(th[i])**2))
print("thru IL 26.56:", -20*np.log10(abs(th[np.argmin(abs(f-26.5625e9))])))
